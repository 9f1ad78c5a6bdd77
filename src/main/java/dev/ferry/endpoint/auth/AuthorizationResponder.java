package dev.ferry.endpoint.auth;

import dev.ferry.http.HttpResponse;
import dev.ferry.http.OAuthErrorResponse;
import dev.ferry.storage.AuthCode;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import dev.ferry.web.Pages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer to the client once the request is authorized (Dex: server/authflow/response.go
 * writeResponse): the auth request is deleted (so it answers once), then the code (Dex's fields,
 * valid 30 minutes) and, for the implicit and hybrid flows, the access and ID tokens are issued;
 * the code flow answers in the query, the others in the fragment, always with a {@code 303}; the
 * out-of-band redirect URI gets the page showing the code.
 */
final class AuthorizationResponder {
  private static final Logger log = LoggerFactory.getLogger(AuthorizationResponder.class);

  /** Dex's fixed code lifetime. */
  static final Duration CODE_VALIDITY = Duration.ofMinutes(30);

  private final Storage storage;
  private final Pages pages;
  private final TokenIssuer issuer;
  private final Clock clock;
  private final IdGenerator ids;

  AuthorizationResponder(
      Storage storage, Pages pages, TokenIssuer issuer, Clock clock, IdGenerator ids) {
    this.storage = storage;
    this.pages = pages;
    this.issuer = issuer;
    this.clock = clock;
    this.ids = ids;
  }

  HttpResponse respond(AuthRequest authRequest, String requestPath) {
    if (clock.instant().isAfter(authRequest.expiry())) {
      throw new FlowException.Shown(400, "User session has expired.");
    }
    try {
      storage.authRequests().delete(authRequest.id());
    } catch (NotFoundException e) {
      // Answered already (a second tab, a replayed step): nothing is issued twice.
      throw new FlowException.Shown(400, "User session error.");
    } catch (StorageException e) {
      log.atError().setMessage("failed to delete authorization request").setCause(e).log();
      throw new FlowException.Shown(500, "Internal server error.");
    }
    Optional<ClientRedirect> redirect = ClientRedirect.parse(authRequest.redirectUri());
    if (redirect.isEmpty()) {
      throw new FlowException.Shown(500, "Invalid redirect URI.");
    }
    List<String> types = authRequest.responseTypes();
    @Nullable String code = null;
    if (types.contains("code")) {
      code = ids.newId();
      AuthCode authCode =
          new AuthCode(
              code,
              authRequest.clientId(),
              authRequest.redirectUri(),
              authRequest.nonce(),
              authRequest.scopes(),
              authRequest.connectorId(),
              authRequest.connectorData(),
              authRequest.claims(),
              clock.instant().plus(CODE_VALIDITY),
              authRequest.pkce(),
              "",
              authRequest.authTime());
      try {
        storage.authCodes().create(authCode);
      } catch (StorageException e) {
        log.atError().setMessage("failed to create auth code").setCause(e).log();
        throw new FlowException.Shown(500, "Internal server error.");
      }
      // The implicit and hybrid flows were refused this redirect URI when parsed.
      if (authRequest.redirectUri().equals(RedirectUris.OOB)) {
        return pages.oob(code);
      }
    }
    TokenClaims claims =
        new TokenClaims(
            authRequest.clientId(),
            authRequest.scopes(),
            authRequest.claims(),
            authRequest.connectorId(),
            authRequest.nonce(),
            authRequest.authTime());
    @Nullable String accessToken = null;
    @Nullable Instant idTokenExpiry = null;
    @Nullable String idToken = null;
    try {
      if (types.contains("token")) {
        accessToken = issuer.signAccessToken(claims).token();
      }
      // After the others: the ID token binds the code and the access token (c_hash, at_hash).
      if (types.contains("id_token")) {
        IssuedToken issued = issuer.signIdToken(claims, accessToken, code);
        idToken = issued.token();
        idTokenExpiry = issued.expiry();
      }
    } catch (RuntimeException e) {
      // Dex answers a signing failure with its JSON server_error (h.writeError).
      return OAuthErrorResponse.of(e);
    }
    String location;
    if (accessToken != null || idToken != null) {
      Map<String, List<String>> values = new LinkedHashMap<>();
      if (accessToken != null) {
        values.put("access_token", List.of(accessToken));
        values.put("token_type", List.of("bearer"));
        // OIDC Core §3.3.2.5: the hybrid flow's fragment carries no expires_in.
        if (code == null && idTokenExpiry != null) {
          long seconds = Duration.between(clock.instant(), idTokenExpiry).toSeconds();
          values.put("expires_in", List.of(Long.toString(seconds)));
        }
      }
      values.put("state", List.of(authRequest.state()));
      if (idToken != null) {
        values.put("id_token", List.of(idToken));
      }
      if (code != null) {
        values.put("code", List.of(code));
      }
      location = redirect.get().withFragment(values);
    } else {
      Map<String, String> values = new LinkedHashMap<>();
      values.put("code", String.valueOf(code));
      values.put("state", authRequest.state());
      location = redirect.get().withQuery(values, true);
    }
    return HttpResponse.redirect(303, ClientRedirect.resolve(requestPath, location));
  }
}
