package dev.ferry.storage;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A pending browser login (Dex: storage.AuthRequest, HEAD fields included). */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record AuthRequest(
    String id,
    String clientId,
    List<String> responseTypes,
    List<String> scopes,
    String redirectUri,
    String nonce,
    String state,
    boolean forceApprovalPrompt,
    Instant expiry,
    boolean loggedIn,
    Claims claims,
    String connectorId,
    byte[] connectorData,
    Pkce pkce,
    byte[] hmacKey,
    String prompt,
    int maxAge,
    @Nullable Instant authTime,
    boolean mfaValidated,
    byte[] webauthnSessionData) {
  /**
   * How every backend stores this record; garbage once its expiry passes (Dex: storage/sql/crud.go
   * GarbageCollect).
   */
  public static final Entity<String, AuthRequest> ENTITY =
      Entity.byId("auth request", AuthRequest::id).expiresAt(AuthRequest::expiry);

  public AuthRequest {
    responseTypes = List.copyOf(responseTypes);
    scopes = List.copyOf(scopes);
  }
}
