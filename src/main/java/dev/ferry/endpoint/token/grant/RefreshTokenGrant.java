package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.RefreshConnector;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GoQuote;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.Client;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.UserConnectorKey;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.RefreshTokenCodec;
import dev.ferry.token.RefreshTokenException;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh_token grant as Dex HEAD serves it with its sessions feature off (Dex:
 * server/grants/refresh.go refresh). After client authentication, in Dex's order:
 *
 * <ol>
 *   <li>{@link #resolve}: an empty {@code refresh_token} is {@code 400 invalid_request}; the value
 *       is decoded ({@link RefreshTokenCodec}; a value that does not decode is taken for a legacy
 *       raw id) and looked up ({@link RefreshTokens#lookup}): unknown, replayed, or a previous
 *       secret outside {@code reuseInterval}: {@code 400 invalid_request}; another client's: {@code
 *       400 invalid_grant} with the same text; expired: {@code 400 invalid_request "Refresh token
 *       expired."}. The token's connector then goes through the connector policy, so a client's
 *       {@code allowedConnectors} or a connector's {@code grantTypes} tightened since the token was
 *       issued apply.
 *   <li>scopes: none asked means the token's; asking for one the token lacks is {@code 400
 *       invalid_request} listing them (narrowing is allowed, widening is not: RFC 6749 §6);
 *   <li>rotation ({@link RefreshTokens#rotate}), which asks the connector to refresh the identity
 *       when it is a {@link RefreshConnector} and the token advances, with the token's connector
 *       data (a legacy token's own, else the offline session's);
 *   <li>an access token and an ID token, always (Dex mints both here, with or without {@code
 *       openid}), with the token's nonce and the refreshed claims.
 * </ol>
 *
 * <p>A failure after the lookup (a lost race, the connector refusing, storage, signing) is Dex's
 * {@code 500} with error {@code invalid_request} and no description.
 */
public final class RefreshTokenGrant
    implements Grant<RefreshTokenGrant.Request, RefreshTokenGrant.Found> {
  private static final Logger log = LoggerFactory.getLogger(RefreshTokenGrant.class);
  private static final String CLAIMED =
      "Refresh token is invalid or has already been claimed by another client.";
  private static final byte[] NO_DATA = new byte[0];

  /** The parameters the grant reads from the POST body. */
  public record Request(String refreshToken, List<String> scopes) {
    public Request {
      scopes = List.copyOf(scopes);
    }

    /** The refresh token is a credential: never in a log line. */
    @Override
    public String toString() {
      return "Request[scopes=" + scopes + "]";
    }
  }

  /** The request with the stored token it presented, found by {@link #resolve}. */
  public record Found(Request request, RefreshToken stored, RefreshTokenCodec.Value presented) {
    @Override
    public String toString() {
      return "Found[token_id=" + stored.id() + "]";
    }
  }

  private final Storage storage;
  private final RefreshTokens refreshTokens;
  private final TokenIssuer issuer;
  private final Clock clock;

  RefreshTokenGrant(Storage storage, RefreshTokens refreshTokens, TokenIssuer issuer, Clock clock) {
    this.storage = storage;
    this.refreshTokens = refreshTokens;
    this.issuer = issuer;
    this.clock = clock;
  }

  @Override
  public String grantType() {
    return GrantTypes.REFRESH_TOKEN;
  }

  @Override
  public Request parse(Form form) {
    return new Request(form.get("refresh_token"), Scopes.parse(form.get("scope")));
  }

  /** Dex: refresh.ConnectorID, which looks the token up and names its connector. */
  @Override
  public Resolution<Found> resolve(Optional<Client> client, Request request) {
    if (request.refreshToken().isEmpty()) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "No refresh token is found in request.");
    }
    // A value that is not Dex's encoding is a raw id from an older Dex, with no secret: it can
    // only match a row whose secret is empty too (Dex: parseRefreshToken).
    RefreshTokenCodec.Value presented =
        RefreshTokenCodec.decode(request.refreshToken())
            .orElseGet(() -> new RefreshTokenCodec.Value(request.refreshToken(), ""));
    RefreshToken stored;
    try {
      stored = refreshTokens.lookup(client.orElseThrow().id(), presented);
    } catch (RefreshTokenException e) {
      throw switch (e.reason()) {
        case CLAIMED_BY_OTHER_CLIENT -> new OAuthException(OAuthError.INVALID_GRANT, CLAIMED);
        case EXPIRED -> new OAuthException(OAuthError.INVALID_REQUEST, "Refresh token expired.");
        case INVALID, NOT_ROTATED, CONNECTOR_REFUSED ->
            new OAuthException(OAuthError.INVALID_REQUEST, CLAIMED);
      };
    } catch (StorageException e) {
      throw internal(e);
    }
    return Resolution.connector(stored.connectorId(), new Found(request, stored, presented));
  }

  /** Ferry's answer when the connector refuses to refresh the identity. */
  static final String CONNECTOR_REFUSED =
      "The identity provider no longer accepts this login; log in again.";

  @Override
  public TokenResponse handle(GrantRequest<Found> request) {
    Client client = request.authenticatedClient();
    Found found = request.state();
    RefreshToken stored = found.stored();
    List<String> scopes = scopes(found.request().scopes(), stored.scopes());
    RefreshTokens.Rotated rotated;
    try {
      rotated =
          refreshTokens.rotate(
              stored, found.presented(), () -> freshIdentity(stored, request.connector(), scopes));
    } catch (RefreshTokenException e) {
      if (e.reason() == RefreshTokenException.Reason.CONNECTOR_REFUSED) {
        // Dex answers 500 invalid_request here. The upstream ended the user's session (or the
        // local user is gone): RFC 6749 §5.2's invalid_grant tells the client to log the user in
        // again, where a 500 reads as an outage to retry.
        Throwable why = e.getCause() == null ? e : e.getCause();
        log.atWarn()
            .setMessage("refresh refused by the connector")
            .addKeyValue("connector_id", stored.connectorId())
            .addKeyValue("err", why.getMessage())
            .log();
        throw new OAuthException(OAuthError.INVALID_GRANT, CONNECTOR_REFUSED);
      }
      log.atError()
          .setMessage("failed to rotate refresh token")
          .addKeyValue("err", e.getMessage())
          .log();
      throw internal(e);
    } catch (StorageException e) {
      log.atError()
          .setMessage("failed to rotate refresh token")
          .addKeyValue("err", e.getMessage())
          .log();
      throw internal(e);
    }
    TokenClaims claims =
        new TokenClaims(
            client.id(),
            scopes,
            RefreshTokens.claimsOf(rotated.identity()),
            stored.connectorId(),
            stored.nonce(),
            null);
    IssuedToken access;
    IssuedToken id;
    try {
      access = issuer.signAccessToken(claims);
      id = issuer.signIdToken(claims, access.token(), null);
    } catch (OAuthException e) {
      throw e.error() == OAuthError.SERVER_ERROR ? internal(e.getCause()) : e;
    }
    return new TokenResponse(
        access.token(),
        "",
        "bearer",
        TrustPath.expiresIn(clock.instant(), id.expiry()),
        rotated.refreshToken(),
        id.token(),
        "");
  }

  /** Dex: refresh.refreshScopes. */
  private static List<String> scopes(List<String> requested, List<String> granted) {
    if (requested.isEmpty()) {
      return granted;
    }
    List<String> unauthorized = new ArrayList<>();
    for (String scope : requested) {
      if (!granted.contains(scope)) {
        unauthorized.add(scope);
      }
    }
    if (!unauthorized.isEmpty()) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST,
          "Requested scopes contain unauthorized scope(s): " + GoQuote.list(unauthorized) + ".");
    }
    return requested;
  }

  /**
   * Dex: refresh.refreshConnectorData and refreshWithConnector. The connector data is read even
   * when the connector cannot refresh, so a storage failure refuses the refresh either way.
   */
  private Identity freshIdentity(
      RefreshToken stored, Optional<OpenedConnector> connector, List<String> scopes)
      throws IdentityException {
    byte[] data = connectorData(stored);
    Identity identity = RefreshTokens.identityOf(stored.claims());
    if (connector.isEmpty() || !(connector.get().connector() instanceof RefreshConnector refresh)) {
      return identity;
    }
    return refresh.refresh(
        ConnectorScopes.of(scopes),
        new Identity(
            identity.userId(),
            identity.username(),
            identity.preferredUsername(),
            identity.email(),
            identity.emailVerified(),
            identity.groups(),
            data));
  }

  /** A legacy token's own connector data, else the offline session's (none: empty). */
  private byte[] connectorData(RefreshToken stored) {
    if (stored.connectorData().length > 0) {
      return stored.connectorData();
    }
    return storage
        .offlineSessions()
        .get(new UserConnectorKey(stored.claims().userId(), stored.connectorId()))
        .map(OfflineSessions::connectorData)
        .orElse(NO_DATA);
  }

  /** Dex answers every internal failure of this grant as {@code 500 invalid_request}. */
  private static OAuthException internal(@Nullable Throwable cause) {
    return new OAuthException(OAuthError.INVALID_REQUEST, null, cause).withStatus(500);
  }
}
