package dev.ferry.endpoint.token.grant;

import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.storage.AuthCode;
import dev.ferry.storage.Client;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import java.time.Clock;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization_code grant as Dex HEAD serves it (Dex: server/grants/authcode.go
 * authorizationCode.Authorize, ExchangeAuthCode): a client redeems a code minted at {@code /auth}.
 * After client authentication, in Dex's order:
 *
 * <ol>
 *   <li>an empty {@code code} is {@code 400 invalid_request "Required param: code."};
 *   <li>an unknown or expired code, or one issued to another client, is {@code 400 invalid_grant
 *       "Invalid or expired code parameter."};
 *   <li>PKCE ({@link PkceCheck});
 *   <li>{@code redirect_uri} must equal the stored one exactly (an absent one matches only an empty
 *       one): {@code 400 invalid_request};
 *   <li>the code is deleted; deleting is the single-use gate, so of two concurrent redemptions the
 *       one that finds it gone gets {@code invalid_grant} as for an unknown code;
 *   <li>tokens: an ID token only with {@code openid}, with the code's {@code nonce}, {@code
 *       auth_time}, {@code at_hash} and {@code c_hash}; a refresh token when {@link
 *       PersonTokens#refreshDue} says so of the code's connector.
 * </ol>
 *
 * <p>The connector policy is not run: the connector was authorized at {@code /auth}, and the
 * connector is looked up only to decide on a refresh token (a connector gone since then is a {@code
 * 500 server_error}, as in Dex). The code is spent before the tokens are minted, so a signing
 * failure afterwards cannot make it redeemable twice.
 */
public final class AuthorizationCodeGrant
    implements Grant<AuthorizationCodeGrant.Request, AuthorizationCodeGrant.Request> {
  private static final Logger log = LoggerFactory.getLogger(AuthorizationCodeGrant.class);
  private static final String INVALID_CODE = "Invalid or expired code parameter.";

  /** The parameters the grant reads from the POST body. */
  public record Request(String code, String redirectUri, String codeVerifier) {
    /** The code is a credential: never in a log line. */
    @Override
    public String toString() {
      return "Request[redirectUri=" + redirectUri + "]";
    }
  }

  private final Storage storage;
  private final ConnectorLookup connectors;
  private final PersonTokens tokens;
  private final Clock clock;

  AuthorizationCodeGrant(
      Storage storage, ConnectorLookup connectors, PersonTokens tokens, Clock clock) {
    this.storage = storage;
    this.connectors = connectors;
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public String grantType() {
    return GrantTypes.AUTHORIZATION_CODE;
  }

  @Override
  public Request parse(Form form) {
    return new Request(form.get("code"), form.get("redirect_uri"), form.get("code_verifier"));
  }

  /** Dex resolves no connector before the grant runs: the code names it, and /auth checked it. */
  @Override
  public Resolution<Request> resolve(Optional<Client> client, Request request) {
    return Resolution.withoutConnector(request);
  }

  @Override
  public TokenResponse handle(GrantRequest<Request> request) {
    Client client = request.authenticatedClient();
    Request r = request.state();
    if (r.code().isEmpty()) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Required param: code.");
    }
    AuthCode code = find(r.code());
    if (code == null
        || clock.instant().isAfter(code.expiry())
        || !code.clientId().equals(client.id())) {
      throw new OAuthException(OAuthError.INVALID_GRANT, INVALID_CODE);
    }
    PkceCheck.verify(r.codeVerifier(), code.pkce());
    if (!code.redirectUri().equals(r.redirectUri())) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST, "redirect_uri did not match URI from initial request.");
    }
    spend(code);
    OpenedConnector connector = connector(code.connectorId());
    return tokens.issue(
        new Authorization(
            client,
            code.claims(),
            code.scopes(),
            code.connectorId(),
            code.nonce(),
            code.authTime(),
            code.connectorData()),
        code.id(),
        PersonTokens.refreshDue(connector, code.scopes()));
  }

  private @Nullable AuthCode find(String id) {
    try {
      return storage.authCodes().get(id).orElse(null);
    } catch (StorageException e) {
      throw new OAuthException(OAuthError.SERVER_ERROR, null, e);
    }
  }

  /** Dex: DeleteAuthCode is the atomic single-use gate. */
  private void spend(AuthCode code) {
    try {
      storage.authCodes().delete(code.id());
    } catch (NotFoundException e) {
      throw new OAuthException(OAuthError.INVALID_GRANT, INVALID_CODE);
    } catch (StorageException e) {
      throw new OAuthException(OAuthError.SERVER_ERROR, null, e);
    }
  }

  private OpenedConnector connector(String id) {
    Optional<OpenedConnector> connector;
    try {
      connector = connectors.get(id);
    } catch (StorageException e) {
      throw new OAuthException(OAuthError.SERVER_ERROR, null, e);
    }
    if (connector.isEmpty()) {
      log.atError().setMessage("connector not found").addKeyValue("connector_id", id).log();
      throw OAuthException.of(OAuthError.SERVER_ERROR);
    }
    return connector.get();
  }
}
