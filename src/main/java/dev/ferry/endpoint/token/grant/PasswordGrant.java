package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.PasswordCheckBusyException;
import dev.ferry.connector.PasswordConnector;
import dev.ferry.cpu.CpuBusyException;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.Client;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.TokenIssuer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource owner password credentials grant as Dex HEAD serves it (Dex:
 * server/grants/password.go password; the scope check of server/grants/grants.go validateScopes),
 * served only when {@code oauth2.passwordConnector} names a connector. After client authentication,
 * in Dex's order:
 *
 * <ol>
 *   <li>scopes: every one must be {@code openid}, {@code offline_access}, {@code email}, {@code
 *       profile}, {@code groups}, {@code federated:id} or a cross-client scope whose peer trusts
 *       the client; {@code openid} is required. Each failure is {@code 400 invalid_request} (a
 *       failed trust lookup: {@code 400 invalid_client});
 *   <li>the connector policy on {@code oauth2.passwordConnector};
 *   <li>a connector that cannot check passwords is {@code 400 invalid_request "Requested password
 *       connector does not correct type."} (Dex's words);
 *   <li>the login: a failed check is {@code 400 invalid_request "Could not login user"}, wrong
 *       credentials {@code 401 access_denied "Invalid username or password"}; a check the server is
 *       too busy to make (a flood of guesses saturates password hashing) {@code 503
 *       temporarily_unavailable} with {@code Retry-After}, never "wrong password";
 *   <li>tokens as for a browser login, without {@code auth_time}, with the request's {@code nonce};
 *       a refresh token under the same rule ({@link PersonTokens#refreshDue}).
 * </ol>
 */
public final class PasswordGrant implements Grant<PasswordGrant.Request, PasswordGrant.Request> {
  private static final Logger log = LoggerFactory.getLogger(PasswordGrant.class);

  /** Dex: passwordScopePolicy. */
  private static final ScopePolicy SCOPES =
      new ScopePolicy(
          List.of(
              Scopes.OPENID,
              Scopes.OFFLINE_ACCESS,
              Scopes.EMAIL,
              Scopes.PROFILE,
              Scopes.GROUPS,
              Scopes.FEDERATED_ID),
          true,
          Map.of(),
          OAuthError.INVALID_REQUEST);

  /** The parameters the grant reads from the POST body. */
  public record Request(List<String> scopes, String nonce, String username, String password) {
    public Request {
      scopes = List.copyOf(scopes);
    }

    /** The credentials never reach a log line. */
    @Override
    public String toString() {
      return "Request[scopes=" + scopes + "]";
    }
  }

  private final TokenIssuer issuer;
  private final PersonTokens tokens;
  private final String connectorId;

  /**
   * @param connectorId {@code oauth2.passwordConnector}; empty when unset, and then the grant is
   *     not among the effective grant types and never runs
   */
  PasswordGrant(TokenIssuer issuer, PersonTokens tokens, String connectorId) {
    this.issuer = issuer;
    this.tokens = tokens;
    this.connectorId = connectorId;
  }

  @Override
  public String grantType() {
    return GrantTypes.PASSWORD;
  }

  @Override
  public Request parse(Form form) {
    return new Request(
        Scopes.parse(form.get("scope")),
        form.get("nonce"),
        form.get("username"),
        form.get("password"));
  }

  /** Dex validates the scopes before the connector: then the configured password connector. */
  @Override
  public Resolution<Request> resolve(Optional<Client> client, Request request) {
    SCOPES.validate(issuer, client.orElseThrow(), request.scopes());
    return Resolution.connector(connectorId, request);
  }

  @Override
  public TokenResponse handle(GrantRequest<Request> request) {
    Request r = request.state();
    Optional<OpenedConnector> opened = request.connector();
    if (opened.isEmpty() || !(opened.get().connector() instanceof PasswordConnector connector)) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST, "Requested password connector does not correct type.");
    }
    Optional<Identity> identity;
    try {
      identity = connector.login(ConnectorScopes.of(r.scopes()), r.username(), r.password());
    } catch (PasswordCheckBusyException e) {
      // Not a wrong password: the bound on password hashing is saturated. Answered as any overload,
      // 503 temporarily_unavailable with Retry-After.
      throw new CpuBusyException("password checks saturated");
    } catch (IdentityException e) {
      log.atError().setMessage("failed to login user").addKeyValue("err", e.getMessage()).log();
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Could not login user");
    }
    if (identity.isEmpty()) {
      throw new OAuthException(OAuthError.ACCESS_DENIED, "Invalid username or password");
    }
    Identity person = identity.get();
    return tokens.issue(
        new Authorization(
            request.authenticatedClient(),
            RefreshTokens.claimsOf(person),
            r.scopes(),
            connectorId,
            r.nonce(),
            null,
            person.connectorData()),
        null,
        PersonTokens.refreshDue(opened.get(), r.scopes()));
  }
}
