package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.RefreshConnector;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.StorageException;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The token set of the grants that log a person in (authorization code, password), minted in one
 * place as Dex mints it (Dex: server/tokens/issuer.go Issuer.Issue; server/grants/grants.go
 * issueTokens, shouldIssueRefreshToken): an access token, an ID token only with {@code openid}
 * (with {@code at_hash}, and {@code c_hash} when a code was redeemed), and a refresh token when the
 * grant decided one is due. Any failure is {@code 500 server_error}.
 */
final class PersonTokens {
  private final TokenIssuer issuer;
  private final RefreshTokens refreshTokens;
  private final Clock clock;

  PersonTokens(TokenIssuer issuer, RefreshTokens refreshTokens, Clock clock) {
    this.issuer = issuer;
    this.refreshTokens = refreshTokens;
    this.clock = clock;
  }

  TokenResponse issue(Authorization auth, @Nullable String code, boolean withRefresh) {
    TokenClaims claims =
        new TokenClaims(
            auth.client().id(),
            auth.scopes(),
            auth.claims(),
            auth.connectorId(),
            auth.nonce(),
            auth.authTime());
    IssuedToken access = issuer.signAccessToken(claims);
    Instant expiry = access.expiry();
    String idToken = "";
    if (auth.scopes().contains(Scopes.OPENID)) {
      IssuedToken id = issuer.signIdToken(claims, access.token(), code);
      idToken = id.token();
      expiry = id.expiry();
    }
    String refreshToken = "";
    if (withRefresh) {
      try {
        refreshToken =
            refreshTokens.create(
                auth.client().id(),
                auth.connectorId(),
                auth.scopes(),
                auth.claims(),
                auth.nonce(),
                auth.connectorData());
      } catch (StorageException e) {
        // Dex: "failed to issue tokens"; the cause is logged where the error is rendered.
        throw new OAuthException(OAuthError.SERVER_ERROR, null, e);
      }
    }
    return new TokenResponse(
        access.token(),
        "",
        "bearer",
        TrustPath.expiresIn(clock.instant(), expiry),
        refreshToken,
        idToken,
        "");
  }

  /**
   * A refresh token is never required (RFC 6749 §1.5): Dex issues one only when the connector can
   * refresh, its {@code grantTypes} allow {@code refresh_token} (empty allows all) and {@code
   * offline_access} was granted.
   */
  static boolean refreshDue(OpenedConnector connector, List<String> scopes) {
    List<String> allowed = connector.definition().grantTypes();
    return connector.connector() instanceof RefreshConnector
        && (allowed.isEmpty() || allowed.contains(GrantTypes.REFRESH_TOKEN))
        && scopes.contains(Scopes.OFFLINE_ACCESS);
  }
}
