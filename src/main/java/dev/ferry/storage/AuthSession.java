package dev.ferry.storage;

import java.time.Instant;
import java.util.Map;

/**
 * A signed-in browser session (Dex HEAD: storage.AuthSession). {@code clientStates} is kept as the
 * JSON Dex stores; {@code logoutState} likewise.
 */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record AuthSession(
    String id,
    String secret,
    String userId,
    String connectorId,
    Map<String, ClientAuthState> clientStates,
    Instant createdAt,
    Instant lastActivity,
    String ipAddress,
    String userAgent,
    Instant absoluteExpiry,
    Instant idleExpiry,
    byte[] logoutState) {
  /**
   * How every backend stores this record; garbage once its absolute or its idle expiry passes (Dex:
   * storage/sql/crud.go GarbageCollect).
   */
  public static final Entity<String, AuthSession> ENTITY =
      Entity.byId("auth session", AuthSession::id)
          .expiresAt(AuthSession::absoluteExpiry)
          .expiresAt(AuthSession::idleExpiry);

  public AuthSession {
    clientStates = Map.copyOf(clientStates);
  }

  /** One client's view of a session (Dex HEAD: ClientAuthState). */
  public record ClientAuthState(
      Instant authenticatedAt, Instant lastActivity, Instant lastTokenIssuedAt, boolean viaSso) {}
}
