package dev.ferry.endpoint.token.grant;

import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.RequestContext;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.NoOpSubjectPolicy;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client_credentials grant as Dex HEAD serves it (Dex: server/grants/clientcredentials.go and
 * the shared scope check in server/grants/grants.go validateScopes): a client gets tokens for
 * itself, with no user and no connector. After client authentication (a secret, or an assertion of
 * one of the client's federated credentials: issue 9), in Dex's order:
 *
 * <ol>
 *   <li>the scopes, in request order: {@code offline_access} or {@code federated:id} is refused at
 *       once; then unknown scopes, then cross-client scopes whose peer does not trust the client,
 *       each {@code 400 invalid_scope} listing them;
 *   <li>a public client is {@code 400 unauthorized_client};
 *   <li>the claims are the client's: user id = client id ({@code sub} encodes no connector), {@code
 *       profile} gives the client name as name and preferred_username, {@code groups} the client's
 *       {@code clientCredentialsClaims.groups};
 *   <li>an access token, an ID token only with {@code openid}, never a refresh token.
 * </ol>
 */
public final class ClientCredentialsGrant
    implements Grant<ClientCredentialsGrant.Request, ClientCredentialsGrant.Request> {
  private static final Logger log = LoggerFactory.getLogger(ClientCredentialsGrant.class);

  /**
   * Dex: clientCredentialsScopePolicy; offline_access and federated:id refused with Dex's texts.
   */
  private static final ScopePolicy SCOPES =
      new ScopePolicy(
          List.of(Scopes.OPENID, Scopes.EMAIL, Scopes.PROFILE, Scopes.GROUPS),
          false,
          Map.of(
              Scopes.OFFLINE_ACCESS,
              "client_credentials grant does not support offline_access scope.",
              Scopes.FEDERATED_ID,
              "client_credentials grant does not support federated:id scope."),
          OAuthError.INVALID_SCOPE);

  /** The requested scopes (split as Dex splits the scope parameter) and the nonce. */
  public record Request(List<String> scopes, String nonce) {
    public Request {
      scopes = List.copyOf(scopes);
    }
  }

  private final TokenIssuer issuer;
  private final TrustPath path;
  private final Clock clock;

  /**
   * @param audit every request that reaches the grant, and every one client authentication refused,
   *     leaves a record ({@code grant_type} client_credentials, no subject), as workload grants do;
   *     Dex has none
   */
  public ClientCredentialsGrant(
      TokenIssuer issuer, AuditSink audit, TokenExchangeMetrics metrics, Clock clock) {
    this.issuer = issuer;
    // No connector: the policy and the ledger are never consulted, only the accounting is shared.
    this.path =
        new TrustPath(log, new NoOpSubjectPolicy(), unusedLedger -> true, audit, metrics, clock);
    this.clock = clock;
  }

  @Override
  public String grantType() {
    return GrantTypes.CLIENT_CREDENTIALS;
  }

  @Override
  public Request parse(Form form) {
    return new Request(Scopes.parse(form.get("scope")), form.get("nonce"));
  }

  /** Dex validates the scopes after authenticating the client; there is no connector. */
  @Override
  public Resolution<Request> resolve(Optional<Client> client, Request request) {
    SCOPES.validate(issuer, client.orElseThrow(), request.scopes());
    return Resolution.withoutConnector(request);
  }

  @Override
  public TokenResponse handle(GrantRequest<Request> request) {
    return path.audited(grantType(), request, "", trail -> grant(request, trail));
  }

  /** Client authentication refused: a workload's failed attempt is worth a record too. */
  @Override
  public void refusedBeforeHandling(
      RequestContext context, Form form, Optional<Client> client, RuntimeException error) {
    path.refusedBeforeHandling(grantType(), context, client, "", "", error);
  }

  private TokenResponse grant(GrantRequest<Request> request, ExchangeTrail trail) {
    Client client = request.authenticatedClient();
    if (client.publicClient()) {
      throw new OAuthException(
          OAuthError.UNAUTHORIZED_CLIENT, "Public clients cannot use client_credentials grant.");
    }
    List<String> scopes = request.state().scopes();
    String name = scopes.contains(Scopes.PROFILE) ? client.name() : "";
    List<String> groups =
        scopes.contains(Scopes.GROUPS) ? client.clientCredentialsGroups() : List.of();
    Claims claims = new Claims(client.id(), name, name, "", false, groups);
    // The empty connector id is unique to this grant (Dex: no connector may have an empty id).
    TokenClaims tokenClaims =
        new TokenClaims(client.id(), scopes, claims, "", request.state().nonce(), null);
    IssuedToken access = issuer.signAccessToken(tokenClaims);
    String idToken = "";
    Instant expiry = access.expiry();
    if (scopes.contains(Scopes.OPENID)) {
      IssuedToken id = issuer.signIdToken(tokenClaims, access.token(), null);
      idToken = id.token();
      expiry = id.expiry();
    }
    trail.issued(access);
    return new TokenResponse(
        access.token(),
        "",
        "bearer",
        TrustPath.expiresIn(clock.instant(), expiry),
        "",
        idToken,
        "");
  }
}
