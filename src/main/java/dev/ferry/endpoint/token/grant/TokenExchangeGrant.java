package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.RequestContext;
import dev.ferry.endpoint.token.Resolution;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.policy.AuditOutcome;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.PolicyRequest;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.policy.TokenShaping;
import dev.ferry.policy.TrustReport;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

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
 *       rejection ({@link IdentityException}) is a denial: an unexpected exception is a bug or an
 *       outage and reaches the endpoint as {@code 500 server_error} (an overloaded CPU pool as
 *       {@code 503});
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
 * Every exchange that reaches the grant, however it ends, leaves one {@link AuditRecord} and one
 * count in {@link TokenExchangeMetrics}; the record is written before the client is answered, and
 * an issued token whose record cannot be written is withheld. {@code audience} and {@code resource}
 * (Ferry, not Dex) are checked by {@link Targets}: their syntax with the other parameters, whether
 * they are allowed after the trust rules, and they become the issued {@code aud}. {@code
 * actor_token} is ignored.
 */
public final class TokenExchangeGrant implements Grant<TokenExchangeRequest, TokenExchangeRequest> {
  private static final Logger log = LoggerFactory.getLogger(TokenExchangeGrant.class);

  private final TokenIssuer issuer;
  private final SubjectPolicy policy;
  private final ReplayLedger ledger;
  private final AuditSink audit;
  private final TokenExchangeMetrics metrics;
  private final Clock clock;

  /**
   * @param policy judges the verified subject before anything is signed ({@link
   *     dev.ferry.policy.NoOpSubjectPolicy} for Dex's behaviour)
   * @param ledger records single-use subject tokens
   */
  public TokenExchangeGrant(
      TokenIssuer issuer,
      SubjectPolicy policy,
      ReplayLedger ledger,
      AuditSink audit,
      TokenExchangeMetrics metrics,
      Clock clock) {
    this.issuer = issuer;
    this.policy = policy;
    this.ledger = ledger;
    this.audit = audit;
    this.metrics = metrics;
    this.clock = clock;
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
    ExchangeTrail trail = new ExchangeTrail(request.context(), clock.instant());
    request.client().ifPresent(client -> trail.client(client.id()));
    trail.connector(request.state().connectorId(), request.connector().isPresent());
    TokenResponse response;
    try {
      response = exchange(request, trail);
    } catch (RuntimeException e) {
      finish(trail, trail.failedRecord(clock.instant(), e));
      throw e;
    }
    AuditRecord issued = trail.issuedRecord(clock.instant());
    try {
      audit.record(issued);
    } catch (RuntimeException e) {
      log.atError()
          .setMessage("audit record not written: token withheld")
          .addKeyValue("err", e.getMessage())
          .log();
      OAuthException withheld = new OAuthException(OAuthError.SERVER_ERROR, null, e);
      observe(trail, trail.failedRecord(clock.instant(), withheld));
      throw withheld;
    }
    observe(trail, issued);
    return response;
  }

  /** Client authentication or the connector policy refused: still an exchange to account for. */
  @Override
  public void refusedBeforeHandling(
      RequestContext context, Form form, Optional<Client> client, RuntimeException error) {
    ExchangeTrail trail = new ExchangeTrail(context, clock.instant());
    client.ifPresent(c -> trail.client(c.id()));
    TokenExchangeRequest exchange = TokenExchangeRequest.parse(form);
    trail.connector(exchange.connectorId(), false);
    if (!exchange.subjectToken().isEmpty()) {
      trail.subjectToken(exchange.subjectToken());
    }
    finish(trail, trail.failedRecord(clock.instant(), error));
  }

  /** Writes a refusal's record; a sink failure is logged, the refusal stands. */
  private void finish(ExchangeTrail trail, AuditRecord record) {
    try {
      audit.record(record);
    } catch (RuntimeException e) {
      log.atError().setMessage("audit record not written").addKeyValue("err", e.getMessage()).log();
    }
    observe(trail, record);
  }

  private void observe(ExchangeTrail trail, AuditRecord record) {
    double seconds = Duration.between(trail.started(), record.time()).toNanos() / 1e9;
    metrics.observe(
        trail.connectorLabel(), trail.clientLabel(), trail.ruleLabel(), record.outcome(), seconds);
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
    Optional<TokenIdentityConnector> connector =
        request
            .connector()
            .map(c -> c.connector())
            .filter(TokenIdentityConnector.class::isInstance)
            .map(TokenIdentityConnector.class::cast);
    if (connector.isEmpty()) {
      log.atError()
          .setMessage("connector doesn't implement token exchange")
          .addKeyValue("connector_id", connectorId)
          .log();
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Requested connector does not exist.");
    }
    VerifiedSubject subject;
    try {
      subject = connector.get().tokenIdentity(subjectTokenType, subjectToken);
    } catch (IdentityException e) {
      log.atError()
          .setMessage("failed to verify subject token")
          .addKeyValue("err", e.getMessage())
          .log();
      trail.refused(AuditOutcome.DENIED_TOKEN);
      throw OAuthException.of(OAuthError.ACCESS_DENIED);
    }
    trail.verified(subject);
    Identity identity = subject.identity();
    PolicyDecision decision =
        policy.evaluate(new PolicyRequest(client.id(), connectorId, exchange.scopes(), subject));
    trail.trust(decision.report());
    PolicyDecision.Allow allow =
        switch (decision) {
          case PolicyDecision.Allow a -> a;
          case PolicyDecision.Deny deny -> throw refuse(deny, trail, connectorId, client, identity);
        };

    String requested = exchange.requestedTokenType();
    String requestedType = requested.isEmpty() ? TokenTypes.ACCESS_TOKEN : requested;
    if (!requestedType.equals(TokenTypes.ID_TOKEN)
        && !requestedType.equals(TokenTypes.ACCESS_TOKEN)) {
      throw new OAuthException(OAuthError.REQUEST_NOT_SUPPORTED, "Invalid requested_token_type.");
    }
    TokenShaping shaping = allow.shaping();
    exchange.targets().checkAllowed(client.id(), shaping, issuer::acceptsPeer);
    Claims claims = claimsOf(identity, shaping);

    TokenClaims tokenClaims =
        new TokenClaims(
            client.id(),
            exchange.scopes(),
            claims,
            connectorId,
            "",
            null,
            shaping.claims(),
            shaping.notAfter(),
            exchange.targets().audience());
    IssuedToken token =
        requestedType.equals(TokenTypes.ID_TOKEN)
            ? issuer.signIdToken(tokenClaims, null, null)
            : issuer.signAccessToken(tokenClaims);
    // Signing ran the last checks (cross-client trust); only a token about to be returned uses
    // up a single-use subject token. A replay costs one discarded signature.
    if (allow.singleUse().isPresent() && !ledger.recordFirstUse(allow.singleUse().get())) {
      log.atError()
          .setMessage("subject token already used")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("client_id", client.id())
          .addKeyValue("jti", allow.singleUse().get().jti())
          .log();
      trail.refused(AuditOutcome.DENIED_TOKEN);
      throw OAuthException.of(OAuthError.ACCESS_DENIED);
    }
    logSuccess(connectorId, client, claims, decision.report(), subjectTokenType, requestedType);
    trail.issued(token);
    // Dex: int(time.Until(expiry).Seconds()), so normally expiry.idTokens - 1 once a moment passed.
    long expiresIn = Math.max(0, Duration.between(clock.instant(), token.expiry()).toSeconds());
    return TokenResponse.exchanged(token.token(), requestedType, expiresIn);
  }

  /**
   * The policy's refusal: a refused token is {@code 401} as a failed verification; a subject the
   * trust rules do not admit is {@code 403} (authenticated, valid, not permitted). The reason is
   * logged and audited, never sent.
   */
  private static OAuthException refuse(
      PolicyDecision.Deny deny,
      ExchangeTrail trail,
      String connectorId,
      Client client,
      Identity identity) {
    boolean byRules = deny.refusal() == PolicyDecision.Refusal.POLICY;
    trail.refused(byRules ? AuditOutcome.DENIED_POLICY : AuditOutcome.DENIED_TOKEN);
    log.atError()
        .setMessage(byRules ? "subject denied by trust rules" : "subject token refused by trust")
        .addKeyValue("connector_id", connectorId)
        .addKeyValue("client_id", client.id())
        .addKeyValue("user_id", identity.userId())
        .addKeyValue("reason", deny.reason())
        .log();
    OAuthException refusal = new OAuthException(deny.error(), deny.description().orElse(null));
    return byRules ? refusal.withStatus(403) : refusal;
  }

  /**
   * INFO "token exchange successful" with the identity as issued, never the token itself (Dex:
   * server/grants/tokenexchange.go tokenExchange.Authorize), and the deciding trust rule.
   */
  private static void logSuccess(
      String connectorId,
      Client client,
      Claims claims,
      TrustReport trust,
      String subjectTokenType,
      String requestedType) {
    LoggingEventBuilder event =
        log.atInfo()
            .setMessage("token exchange successful")
            .addKeyValue("connector_id", connectorId)
            .addKeyValue("client_id", client.id())
            .addKeyValue("user_id", claims.userId())
            .addKeyValue("username", claims.username())
            .addKeyValue("preferred_username", claims.preferredUsername())
            .addKeyValue(
                "email", claims.emailVerified() ? claims.email() : claims.email() + " (unverified)")
            .addKeyValue("groups", claims.groups())
            .addKeyValue("subject_token_type", subjectTokenType)
            .addKeyValue("requested_token_type", requestedType);
    if (trust.rule().isPresent()) {
      event = event.addKeyValue("rule", trust.rule().get());
    }
    event.log();
  }

  /**
   * The server copies every identity field except the connector data (Dex:
   * server/tokens/refresh_store.go ClaimsFromIdentity); a trust rule may replace the username and
   * the groups.
   */
  private static Claims claimsOf(Identity identity, TokenShaping shaping) {
    return new Claims(
        identity.userId(),
        shaping.username().orElse(identity.username()),
        identity.preferredUsername(),
        identity.email(),
        identity.emailVerified(),
        shaping.groups().orElse(identity.groups()));
  }
}
