package dev.ferry.storage;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** An authorization code (Dex: storage.AuthCode, HEAD fields included). */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record AuthCode(
    String id,
    String clientId,
    String redirectUri,
    String nonce,
    List<String> scopes,
    String connectorId,
    byte[] connectorData,
    Claims claims,
    Instant expiry,
    Pkce pkce,
    String sessionId,
    @Nullable Instant authTime) {
  /**
   * How every backend stores this record; garbage once its expiry passes (Dex: storage/sql/crud.go
   * GarbageCollect).
   */
  public static final Entity<String, AuthCode> ENTITY =
      Entity.byId("auth code", AuthCode::id).expiresAt(AuthCode::expiry);

  public AuthCode {
    scopes = List.copyOf(scopes);
  }
}
