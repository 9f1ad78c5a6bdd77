package dev.ferry.storage;

import java.time.Instant;
import java.util.Map;

/**
 * The refresh tokens of one user through one connector, at most one per client (Dex:
 * storage.OfflineSessions). Keyed by (userId, connId).
 */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record OfflineSessions(
    String userId, String connId, Map<String, RefreshTokenRef> refresh, byte[] connectorData) {
  /** How every backend stores this record. */
  public static final Entity<UserConnectorKey, OfflineSessions> ENTITY =
      Entity.byUserAndConnector(
          "offline session", s -> new UserConnectorKey(s.userId(), s.connId()));

  public OfflineSessions {
    refresh = Map.copyOf(refresh);
  }

  /** A reference from an offline session to one refresh token. */
  public record RefreshTokenRef(String id, String clientId, Instant createdAt, Instant lastUsed) {}
}
