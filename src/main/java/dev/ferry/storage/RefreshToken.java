package dev.ferry.storage;

import java.time.Instant;
import java.util.List;

/** A refresh token (Dex: storage.RefreshToken). */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record RefreshToken(
    String id,
    String token,
    String obsoleteToken,
    Instant createdAt,
    Instant lastUsed,
    String clientId,
    String connectorId,
    byte[] connectorData,
    Claims claims,
    List<String> scopes,
    String nonce) {
  /** How every backend stores this record. */
  public static final Entity<String, RefreshToken> ENTITY =
      Entity.byId("refresh token", RefreshToken::id);

  public RefreshToken {
    scopes = List.copyOf(scopes);
  }
}
