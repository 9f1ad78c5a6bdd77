package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.upstream.IssuerClaim;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.endpoint.IssuerDirectory;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.IssuerIdentity;
import dev.ferry.endpoint.token.RequestContext;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GoQuote;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
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
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 7523 §2.1 JWT bearer authorization grant ({@code
 * grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}): a client trades an upstream JWT, the
 * {@code assertion}, for Ferry's tokens. Ferry's, not Dex's: served only when {@code
 * oauth2.grantTypes} names it. The endpoint has authenticated the client (mandatory, as for token
 * exchange), then:
 *
 * <ol>
 *   <li>{@link #resolve}: {@code assertion} present once, non-empty and at most {@link
 *       #MAX_ASSERTION_LENGTH} characters (checked before it is parsed), {@code scope} and {@code
 *       connector_id} at most once, {@code audience} and {@code resource} well formed ({@link
 *       Targets#checkSyntax}), else {@code 400 invalid_request}; the connector is {@code
 *       connector_id}, or the only connector whose issuer is the assertion's unverified {@code iss}
 *       ({@link IssuerDirectory}; none, several, or an assertion that is no signed JWT with a JSON
 *       object payload: {@code 400 invalid_grant}). The endpoint then runs the connector policy on
 *       it ({@code allowedConnectors}, the connector's {@code grantTypes});
 *   <li>the assertion is verified exactly as a token exchange subject token of type id_token, and
 *       judged by the connector's {@code trust} block with Ferry's own audiences ({@link
 *       IssuerIdentity}): its {@code aud} must name Ferry's issuer URL, token endpoint URL or a
 *       {@code trust.audiences} value (RFC 7523 §3). Every refusal, of the token or of the subject
 *       by the trust rules, is {@code 400 invalid_grant} (RFC 7523 §3.1: the assertion is not a
 *       valid grant; RFC 6749 has no {@code 403} at the token endpoint), the reason logged and
 *       audited only;
 *   <li>an access token is signed, shaped by the deciding rule, and an ID token beside it when
 *       {@code openid} is in scope; the scopes pass through as in token exchange, except that a
 *       cross-client scope the peer does not allow is {@code 400 invalid_scope}, checked before the
 *       assertion is verified. {@code audience} and {@code resource} are honoured exactly as in
 *       token exchange ({@link Targets}): each must be allowed by a client's {@code trustedPeers}
 *       or the deciding rule's {@code audiences} / {@code resources}, else {@code 400
 *       invalid_target}, and they become both tokens' {@code aud} (with {@code azp}); a parameter
 *       silently dropped would hand out a token for another audience than asked. No refresh token
 *       is ever issued: {@code offline_access} is accepted and ignored, as token exchange does;
 *   <li>a single-use assertion is recorded last, as in token exchange.
 * </ol>
 *
 * Every request that reaches the grant leaves one audit record ({@code grant_type} set) and one
 * count in {@code ferry_jwt_bearer_total}, through the {@link TrustPath} it shares with token
 * exchange.
 */
public final class JwtBearerGrant implements Grant<JwtBearerRequest, JwtBearerGrant.Assertion> {
  private static final Logger log = LoggerFactory.getLogger(JwtBearerGrant.class);

  private static final String INVALID =
      "The assertion is invalid, expired, not addressed to this server, or already used.";

  /**
   * The longest assertion looked at: the size the connectors cap upstream tokens at, checked before
   * any parsing so that a request up to the 1 MiB form limit costs no base64 or JSON work.
   */
  static final int MAX_ASSERTION_LENGTH = UpstreamHttpSettings.DEFAULT_MAX_TOKEN_BYTES;

  /** RFC 7523 §3.1: whatever is wrong with the assertion, it is {@code invalid_grant}. */
  private static final TrustPath.Refusals REFUSALS =
      new TrustPath.Refusals() {
        @Override
        public String token() {
          return "assertion";
        }

        @Override
        public OAuthException unverified() {
          return new OAuthException(OAuthError.INVALID_GRANT, INVALID);
        }

        @Override
        public OAuthException refused(PolicyDecision.Deny deny) {
          return new OAuthException(
              OAuthError.INVALID_GRANT,
              deny.refusal() == PolicyDecision.Refusal.POLICY
                  ? "The assertion's subject is not allowed by the connector's trust rules."
                  : INVALID);
        }

        @Override
        public OAuthException replayed() {
          return new OAuthException(OAuthError.INVALID_GRANT, INVALID);
        }
      };

  /**
   * A request after {@link #resolve}: its one assertion, its scopes, the connector that judges it
   * and its targets (syntax checked).
   */
  public record Assertion(
      String assertion, List<String> scopes, String connectorId, Targets targets) {
    public Assertion {
      scopes = List.copyOf(scopes);
    }
  }

  private final TokenIssuer issuer;
  private final TrustPath path;
  private final IssuerIdentity identity;
  private final IssuerDirectory directory;

  /**
   * @param identity Ferry's own audiences, which an assertion may name
   * @param directory routes an assertion sent without {@code connector_id} by its {@code iss}
   */
  public JwtBearerGrant(
      TokenIssuer issuer,
      SubjectPolicy policy,
      ReplayLedger ledger,
      AuditSink audit,
      TokenExchangeMetrics metrics,
      Clock clock,
      IssuerIdentity identity,
      IssuerDirectory directory) {
    this.issuer = issuer;
    this.path = new TrustPath(log, policy, ledger, audit, metrics, clock);
    this.identity = identity;
    this.directory = directory;
  }

  @Override
  public String grantType() {
    return GrantTypes.JWT_BEARER;
  }

  @Override
  public JwtBearerRequest parse(Form form) {
    return JwtBearerRequest.parse(form);
  }

  @Override
  public Resolution<Assertion> resolve(Optional<Client> client, JwtBearerRequest request) {
    List<String> assertions = request.assertion();
    if (assertions.isEmpty() || (assertions.size() == 1 && assertions.get(0).isEmpty())) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Missing assertion.");
    }
    if (assertions.size() > 1) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "The assertion parameter is repeated.");
    }
    // Before anything parses it (routing decodes it): the connectors' own cap on upstream tokens.
    if (assertions.get(0).length() > MAX_ASSERTION_LENGTH) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST,
          "The assertion is longer than " + MAX_ASSERTION_LENGTH + " characters.");
    }
    if (request.scope().size() > 1) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "The scope parameter is repeated.");
    }
    if (request.connectorId().size() > 1) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST, "The connector_id parameter is repeated.");
    }
    request.targets().checkSyntax();
    String assertion = assertions.get(0);
    List<String> scopes =
        request.scope().isEmpty() ? List.of() : Scopes.parse(request.scope().get(0));
    String connectorId = request.firstConnectorId();
    if (connectorId.isEmpty()) {
      connectorId = route(assertion);
    }
    return Resolution.connector(
        connectorId, new Assertion(assertion, scopes, connectorId, request.targets()));
  }

  /** The one connector whose issuer is the assertion's {@code iss}, read before verification. */
  private String route(String assertion) {
    String iss = unverifiedIssuer(assertion);
    List<String> connectors = directory.connectorsFor(iss);
    if (connectors.isEmpty()) {
      throw new OAuthException(
          OAuthError.INVALID_GRANT,
          "No connector verifies assertions from issuer "
              + OAuthException.quoted(iss)
              + "; send connector_id.");
    }
    if (connectors.size() > 1) {
      throw new OAuthException(
          OAuthError.INVALID_GRANT,
          "Several connectors verify assertions from issuer "
              + OAuthException.quoted(iss)
              + "; send connector_id.");
    }
    return connectors.get(0);
  }

  /**
   * Only routes: the connector it names verifies the signature, and its {@code iss} check is what
   * decides. A payload that is no JSON object is no JWT (Nimbus refuses it while parsing); an
   * encrypted JWT (JWE: no readable claims, {@code getJWTClaimsSet()} is {@code null}) or an
   * unsecured one ({@code alg: none}) is no assertion any connector accepts, so it is refused here
   * rather than routed by a claim nobody vouches for.
   */
  private static String unverifiedIssuer(String assertion) {
    Optional<String> iss;
    try {
      iss = IssuerClaim.unverified(assertion);
    } catch (IssuerClaim.NotSigned e) {
      throw new OAuthException(OAuthError.INVALID_GRANT, "The assertion is not a signed JWT.");
    } catch (ParseException e) {
      throw new OAuthException(OAuthError.INVALID_GRANT, "The assertion is not a JWT.");
    }
    return iss.orElseThrow(() ->
        new OAuthException(
            OAuthError.INVALID_GRANT, "The assertion has no iss claim; send connector_id."));
  }

  @Override
  public TokenResponse handle(GrantRequest<Assertion> request) {
    return path.audited(
        grantType(), request, request.state().connectorId(), trail -> grant(request, trail));
  }

  /** Client authentication, resolution or the connector policy refused: audited all the same. */
  @Override
  public void refusedBeforeHandling(
      RequestContext context, Form form, Optional<Client> client, RuntimeException error) {
    JwtBearerRequest request = JwtBearerRequest.parse(form);
    path.refusedBeforeHandling(
        grantType(), context, client, request.firstConnectorId(), request.firstAssertion(), error);
  }

  /**
   * A cross-client scope naming a peer that does not trust the client is the client's mistake:
   * {@code 400 invalid_scope} listing every such scope, as Dex HEAD answers it for client
   * credentials, not the {@code 500} signing gives (kept by token exchange for Dex's sake). Checked
   * before the assertion is verified: it depends on the client alone.
   */
  private void checkScopes(String clientId, List<String> scopes) {
    List<String> untrusted = issuer.untrustedScopes(clientId, scopes);
    if (!untrusted.isEmpty()) {
      throw new OAuthException(
          OAuthError.INVALID_SCOPE, "Client can't request scope(s) " + GoQuote.list(untrusted));
    }
  }

  private TokenResponse grant(GrantRequest<Assertion> request, ExchangeTrail trail) {
    Assertion assertion = request.state();
    Client client = request.authenticatedClient();
    String connectorId = assertion.connectorId();
    trail.subjectToken(assertion.assertion());
    checkScopes(client.id(), assertion.scopes());
    Optional<TokenIdentityConnector> connector = TrustPath.tokenConnector(request);
    if (connector.isEmpty()) {
      log.atError()
          .setMessage("connector cannot verify assertions")
          .addKeyValue("connector_id", connectorId)
          .log();
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Requested connector does not exist.");
    }
    VerifiedSubject subject =
        path.verify(trail, connector.get(), TokenTypes.ID_TOKEN, assertion.assertion(), REFUSALS);
    PolicyDecision.Allow allow =
        path.admit(
            trail,
            new PolicyRequest(
                client.id(), connectorId, assertion.scopes(), subject, identity.audiences()),
            REFUSALS);
    TokenShaping shaping = allow.shaping();
    assertion.targets().checkAllowed(client.id(), shaping, issuer::acceptsPeer, identity);
    Claims claims = TrustPath.claimsOf(subject.identity(), shaping);
    TokenClaims tokenClaims =
        TrustPath.tokenClaims(
            client.id(), assertion.scopes(), connectorId, claims, shaping, assertion.targets());
    IssuedToken access = issuer.signAccessToken(tokenClaims);
    // The ID token carries at_hash of the access token, as after an authorization code.
    String idToken =
        assertion.scopes().contains(Scopes.OPENID)
            ? issuer.signIdToken(tokenClaims, access.token(), null).token()
            : "";
    path.spend(trail, allow, connectorId, client.id(), REFUSALS);
    path.logSuccess(
        "jwt bearer grant successful", connectorId, client.id(), claims, allow.report(), Map.of());
    trail.issued(access);
    return new TokenResponse(
        access.token(), "", "bearer", path.expiresIn(access.expiry()), "", idToken, "");
  }
}
