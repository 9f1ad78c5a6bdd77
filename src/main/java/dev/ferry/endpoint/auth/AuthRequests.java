package dev.ferry.endpoint.auth;

import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Claims;
import java.time.Instant;

/** The changes the flow makes to a stored auth request, each a copy with some fields replaced. */
final class AuthRequests {
  private AuthRequests() {}

  /** The connector chosen at {@code /auth/{connector}} and the request's expiry. */
  static AuthRequest started(AuthRequest a, String connectorId, Instant expiry) {
    return new AuthRequest(
        a.id(),
        a.clientId(),
        a.responseTypes(),
        a.scopes(),
        a.redirectUri(),
        a.nonce(),
        a.state(),
        a.forceApprovalPrompt(),
        expiry,
        a.loggedIn(),
        a.claims(),
        connectorId,
        a.connectorData(),
        a.pkce(),
        a.hmacKey(),
        a.prompt(),
        a.maxAge(),
        a.authTime(),
        a.mfaValidated(),
        a.webauthnSessionData());
  }

  /** What a callback connector asked to keep until its callback. */
  static AuthRequest withConnectorData(AuthRequest a, byte[] connectorData) {
    return new AuthRequest(
        a.id(),
        a.clientId(),
        a.responseTypes(),
        a.scopes(),
        a.redirectUri(),
        a.nonce(),
        a.state(),
        a.forceApprovalPrompt(),
        a.expiry(),
        a.loggedIn(),
        a.claims(),
        a.connectorId(),
        connectorData,
        a.pkce(),
        a.hmacKey(),
        a.prompt(),
        a.maxAge(),
        a.authTime(),
        a.mfaValidated(),
        a.webauthnSessionData());
  }

  /** The user logged in (Dex: finalizeLogin's updater). */
  static AuthRequest loggedIn(AuthRequest a, Claims claims, byte[] connectorData, Instant now) {
    return new AuthRequest(
        a.id(),
        a.clientId(),
        a.responseTypes(),
        a.scopes(),
        a.redirectUri(),
        a.nonce(),
        a.state(),
        a.forceApprovalPrompt(),
        a.expiry(),
        true,
        claims,
        a.connectorId(),
        connectorData,
        a.pkce(),
        a.hmacKey(),
        a.prompt(),
        a.maxAge(),
        now,
        a.mfaValidated(),
        a.webauthnSessionData());
  }
}
