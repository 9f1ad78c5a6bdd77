package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.IssuerIdentity;
import dev.ferry.endpoint.token.RequestContext;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.PolicyRequest;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.policy.TokenShaping;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 8693 token exchange as Dex HEAD serves it (Dex: server/grants/tokenexchange.go). The endpoint
 * has already authenticated the client and, when {@code connector_id} is set, run the connector
 * policy. This grant runs the rest in Dex's order:
 *
 * <ol>
 *   <li>{@code subject_token_type} is the id_token or access_token URN, else {@code 400
 *       request_not_supported};
 *   <li>{@code subject_token} is non-empty, else {@code 400 invalid_request};
 *   <li>the connector can verify tokens (an empty {@code connector_id} also fails here, with the
 *       same text as an unknown one);
 *   <li>the connector verifies the subject token, else {@code 401 access_denied} with no
 *       description: the reason is logged only, so the upstream's rules are no oracle. Only a
 *       rejection ({@link dev.ferry.connector.IdentityException}) is a denial: an unexpected
 *       exception is a bug or an outage and reaches the endpoint as {@code 500 server_error} (an
 *       overloaded CPU pool as {@code 503});
 *   <li>the {@link SubjectPolicy} judges the verified subject (Ferry, not Dex): a connector's
 *       {@code trust} block refuses a token ({@code 401 access_denied}) or a subject its rules do
 *       not admit ({@code 403 access_denied}, with the reasons only in the audit record);
 *   <li>{@code requested_token_type} is checked only now, after verification, as Dex does;
 *   <li>the token is signed with the scopes passed through unvalidated, as Dex does, shaped by the
 *       deciding trust rule (username, groups, extra claims, a lifetime cap);
 *   <li>a single-use subject token is recorded, the very last check, so that a request refused for
 *       any other reason never uses it up.
 * </ol>
 *
 * The verification, the policy, the shaping, the single use and the accounting are the {@link
 * TrustPath} the JWT bearer grant shares: every exchange that reaches the grant, however it ends,
 * leaves one {@link dev.ferry.policy.AuditRecord} and one count in {@link TokenExchangeMetrics};
 * the record is written before the client is answered, and an issued token whose record cannot be
 * written is withheld. {@code audience} and {@code resource} (Ferry, not Dex) are checked by {@link
 * Targets}: their syntax with the other parameters, whether they are allowed after the trust rules,
 * and they become the issued {@code aud}. {@code actor_token} is ignored.
 */
public final class TokenExchangeGrant implements Grant<TokenExchangeRequest, TokenExchangeRequest> {
  private static final Logger log = LoggerFactory.getLogger(TokenExchangeGrant.class);

  /** Dex's answers: a refused token is a failed verification, a refused subject {@code 403}. */
  private static final TrustPath.Refusals REFUSALS =
      new TrustPath.Refusals() {
        @Override
        public String token() {
          return "subject token";
        }

        @Override
        public OAuthException unverified() {
          return OAuthException.of(OAuthError.ACCESS_DENIED);
        }

        // A refused token is 401 as a failed verification; a subject the trust rules do not admit
        // is 403 (authenticated, valid, not permitted).
        @Override
        public OAuthException refused(PolicyDecision.Deny deny) {
          OAuthException refusal =
              new OAuthException(deny.error(), deny.description().orElse(null));
          return deny.refusal() == PolicyDecision.Refusal.POLICY
              ? refusal.withStatus(403)
              : refusal;
        }

        @Override
        public OAuthException replayed() {
          return OAuthException.of(OAuthError.ACCESS_DENIED);
        }
      };

  private final TokenIssuer issuer;
  private final TrustPath path;
  private final IssuerIdentity identity;

  /**
   * @param policy judges the verified subject before anything is signed ({@link
   *     dev.ferry.policy.NoOpSubjectPolicy} for Dex's behaviour)
   * @param ledger records single-use subject tokens
   * @param identity Ferry's own names, which no {@code audience} or {@code resource} may be
   */
  public TokenExchangeGrant(
      TokenIssuer issuer,
      SubjectPolicy policy,
      ReplayLedger ledger,
      AuditSink audit,
      TokenExchangeMetrics metrics,
      Clock clock,
      IssuerIdentity identity) {
    this.issuer = issuer;
    this.path = new TrustPath(log, policy, ledger, audit, metrics, clock);
    this.identity = identity;
  }

  @Override
  public String grantType() {
    return GrantTypes.TOKEN_EXCHANGE;
  }

  @Override
  public TokenExchangeRequest parse(Form form) {
    return TokenExchangeRequest.parse(form);
  }

  /** The request names its connector; Dex HEAD runs the policy only for a non-empty one. */
  @Override
  public Resolution<TokenExchangeRequest> resolve(
      Optional<Client> client, TokenExchangeRequest request) {
    return Resolution.connector(request.connectorId(), request);
  }

  @Override
  public TokenResponse handle(GrantRequest<TokenExchangeRequest> request) {
    return path.audited(
        grantType(), request, request.state().connectorId(), trail -> exchange(request, trail));
  }

  /** Client authentication or the connector policy refused: still an exchange to account for. */
  @Override
  public void refusedBeforeHandling(
      RequestContext context, Form form, Optional<Client> client, RuntimeException error) {
    TokenExchangeRequest exchange = TokenExchangeRequest.parse(form);
    path.refusedBeforeHandling(
        grantType(), context, client, exchange.connectorId(), exchange.subjectToken(), error);
  }

  private TokenResponse exchange(GrantRequest<TokenExchangeRequest> request, ExchangeTrail trail) {
    TokenExchangeRequest exchange = request.state();
    Client client = request.authenticatedClient();
    String subjectTokenType = exchange.subjectTokenType();
    String subjectToken = exchange.subjectToken();
    if (!subjectToken.isEmpty()) {
      trail.subjectToken(subjectToken);
    }
    if (!subjectTokenType.equals(TokenTypes.ID_TOKEN)
        && !subjectTokenType.equals(TokenTypes.ACCESS_TOKEN)) {
      throw new OAuthException(OAuthError.REQUEST_NOT_SUPPORTED, "Invalid subject_token_type.");
    }
    if (subjectToken.isEmpty()) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Missing subject_token");
    }
    exchange.targets().checkSyntax();
    String connectorId = exchange.connectorId();
    Optional<TokenIdentityConnector> connector = TrustPath.tokenConnector(request);
    if (connector.isEmpty()) {
      log.atError()
          .setMessage("connector doesn't implement token exchange")
          .addKeyValue("connector_id", connectorId)
          .log();
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Requested connector does not exist.");
    }
    VerifiedSubject subject =
        path.verify(trail, connector.get(), subjectTokenType, subjectToken, REFUSALS);
    PolicyDecision.Allow allow =
        path.admit(
            trail,
            new PolicyRequest(client.id(), connectorId, exchange.scopes(), subject),
            REFUSALS);

    String requested = exchange.requestedTokenType();
    String requestedType = requested.isEmpty() ? TokenTypes.ACCESS_TOKEN : requested;
    if (!requestedType.equals(TokenTypes.ID_TOKEN)
        && !requestedType.equals(TokenTypes.ACCESS_TOKEN)) {
      throw new OAuthException(OAuthError.REQUEST_NOT_SUPPORTED, "Invalid requested_token_type.");
    }
    TokenShaping shaping = allow.shaping();
    exchange.targets().checkAllowed(client.id(), shaping, issuer::acceptsPeer, identity);
    Claims claims = TrustPath.claimsOf(subject.identity(), shaping);

    TokenClaims tokenClaims =
        TrustPath.tokenClaims(
            client.id(), exchange.scopes(), connectorId, claims, shaping, exchange.targets());
    IssuedToken token =
        requestedType.equals(TokenTypes.ID_TOKEN)
            ? issuer.signIdToken(tokenClaims, null, null)
            : issuer.signAccessToken(tokenClaims);
    // Signing ran the last checks (cross-client trust); only a token about to be returned uses
    // up a single-use subject token.
    path.spend(trail, allow, connectorId, client.id(), REFUSALS);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("subject_token_type", subjectTokenType);
    details.put("requested_token_type", requestedType);
    path.logSuccess(
        "token exchange successful", connectorId, client.id(), claims, allow.report(), details);
    trail.issued(token);
    // Dex: int(time.Until(expiry).Seconds()), so normally expiry.idTokens - 1 once a moment passed.
    return TokenResponse.exchanged(token.token(), requestedType, path.expiresIn(token.expiry()));
  }
}
