package dev.ferry.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What Ferry remembers about one user of one connector across logins (Dex HEAD:
 * storage.UserIdentity): claims, consents per client, and MFA material kept as opaque JSON.
 */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record UserIdentity(
    String userId,
    String connectorId,
    Claims claims,
    Map<String, List<String>> consents,
    byte[] mfaSecrets,
    byte[] webauthnCredentials,
    Instant createdAt,
    Instant lastLogin,
    @Nullable Instant blockedUntil) {
  /** How every backend stores this record. */
  public static final Entity<UserConnectorKey, UserIdentity> ENTITY =
      Entity.byUserAndConnector(
          "user identity", u -> new UserConnectorKey(u.userId(), u.connectorId()));

  public UserIdentity {
    consents = Map.copyOf(consents);
  }
}
