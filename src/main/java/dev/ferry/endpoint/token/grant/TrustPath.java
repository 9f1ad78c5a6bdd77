package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.RequestContext;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
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
import dev.ferry.token.TokenClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The trust path every workload grant shares (RFC 8693 token exchange, the RFC 7523 JWT bearer
 * grant): the connector verifies the upstream token, the {@link SubjectPolicy} judges it, the
 * deciding rule shapes the claims, a single-use token is spent last, and every request leaves one
 * audit record and one count through its {@link ExchangeTrail}. A grant calls these steps in its
 * order, with its own checks in between, and says through {@link Refusals} how each refusal is
 * answered on its wire; the path decides what is logged and audited, so both grants record alike.
 */
final class TrustPath {

  /**
   * How a grant answers the path's refusals; the reasons are logged and audited by the path, never
   * sent.
   */
  interface Refusals {

    /** What the upstream token is called in the log ({@code subject token}, {@code assertion}). */
    String token();

    /** The connector did not verify the token. */
    OAuthException unverified();

    /** The policy refused the token or the subject ({@link PolicyDecision.Deny#refusal}). */
    OAuthException refused(PolicyDecision.Deny deny);

    /** A single-use token was already used. */
    OAuthException replayed();
  }

  /** A grant's work on a request, with the trail it reports what it established to. */
  @FunctionalInterface
  interface Work {
    TokenResponse run(ExchangeTrail trail);
  }

  private final Logger log;
  private final SubjectPolicy policy;
  private final ReplayLedger ledger;
  private final AuditSink audit;
  private final TokenExchangeMetrics metrics;
  private final Clock clock;

  /**
   * @param log the grant's logger, so that what the path logs is filed under the grant that ran it
   */
  TrustPath(
      Logger log,
      SubjectPolicy policy,
      ReplayLedger ledger,
      AuditSink audit,
      TokenExchangeMetrics metrics,
      Clock clock) {
    this.log = log;
    this.policy = policy;
    this.ledger = ledger;
    this.audit = audit;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Runs {@code work} and accounts for it however it ends: the audit record is written before the
   * client is answered, and an issued token whose record cannot be written is withheld.
   *
   * @param grantType the grant, for the audit record and the metrics
   * @param connectorId the connector the request is judged by
   */
  TokenResponse audited(String grantType, GrantRequest<?> request, String connectorId, Work work) {
    ExchangeTrail trail = new ExchangeTrail(grantType, request.context(), clock.instant());
    request.client().ifPresent(client -> trail.client(client.id()));
    trail.connector(connectorId, request.connector().isPresent());
    TokenResponse response;
    try {
      response = work.run(trail);
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

  /**
   * Accounts for a request the endpoint's shared steps refused before the grant ran (client
   * authentication, resolution, the connector policy). Must not throw.
   *
   * @param token the upstream token as sent, empty when none was
   */
  void refusedBeforeHandling(
      String grantType,
      RequestContext context,
      Optional<Client> client,
      String connectorId,
      String token,
      RuntimeException error) {
    ExchangeTrail trail = new ExchangeTrail(grantType, context, clock.instant());
    client.ifPresent(c -> trail.client(c.id()));
    trail.connector(connectorId, false);
    if (!token.isEmpty()) {
      trail.subjectToken(token);
    }
    finish(trail, trail.failedRecord(clock.instant(), error));
  }

  /** The request's connector, if it can verify tokens. */
  static Optional<TokenIdentityConnector> tokenConnector(GrantRequest<?> request) {
    return request
        .connector()
        .map(c -> c.connector())
        .filter(TokenIdentityConnector.class::isInstance)
        .map(TokenIdentityConnector.class::cast);
  }

  /**
   * The connector verifies {@code token}. Only a rejection ({@link IdentityException}) is a
   * refusal: an unexpected exception is a bug or an outage and reaches the endpoint as {@code 500}
   * (an overloaded CPU pool as {@code 503}).
   */
  VerifiedSubject verify(
      ExchangeTrail trail,
      TokenIdentityConnector connector,
      String tokenType,
      String token,
      Refusals refusals) {
    VerifiedSubject subject;
    try {
      subject = connector.tokenIdentity(tokenType, token);
    } catch (IdentityException e) {
      log.atError()
          .setMessage("failed to verify " + refusals.token())
          .addKeyValue("err", e.getMessage())
          .log();
      trail.refused(AuditOutcome.DENIED_TOKEN);
      throw refusals.unverified();
    }
    trail.verified(subject);
    return subject;
  }

  /** The policy's decision on the verified subject; a refusal is logged, audited and thrown. */
  PolicyDecision.Allow admit(ExchangeTrail trail, PolicyRequest request, Refusals refusals) {
    PolicyDecision decision = policy.evaluate(request);
    trail.trust(decision.report());
    return switch (decision) {
      case PolicyDecision.Allow allow -> allow;
      case PolicyDecision.Deny deny -> {
        boolean byRules = deny.refusal() == PolicyDecision.Refusal.POLICY;
        trail.refused(byRules ? AuditOutcome.DENIED_POLICY : AuditOutcome.DENIED_TOKEN);
        log.atError()
            .setMessage(
                byRules ? "subject denied by trust rules" : refusals.token() + " refused by trust")
            .addKeyValue("connector_id", request.connectorId())
            .addKeyValue("client_id", request.clientId())
            .addKeyValue("user_id", request.subject().identity().userId())
            .addKeyValue("reason", deny.reason())
            .log();
        throw refusals.refused(deny);
      }
    };
  }

  /**
   * Records a single-use token as used: the very last check, once the token is signed, so that a
   * request refused for any other reason never uses it up. A replay costs one discarded signature.
   */
  void spend(
      ExchangeTrail trail,
      PolicyDecision.Allow allow,
      String connectorId,
      String clientId,
      Refusals refusals) {
    if (allow.singleUse().isPresent() && !ledger.recordFirstUse(allow.singleUse().get())) {
      log.atError()
          .setMessage(refusals.token() + " already used")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("client_id", clientId)
          .addKeyValue("jti", allow.singleUse().get().jti())
          .log();
      trail.refused(AuditOutcome.DENIED_TOKEN);
      throw refusals.replayed();
    }
  }

  /**
   * The server copies every identity field except the connector data (Dex:
   * server/tokens/refresh_store.go ClaimsFromIdentity); a trust rule may replace the username and
   * the groups.
   */
  static Claims claimsOf(Identity identity, TokenShaping shaping) {
    return new Claims(
        identity.userId(),
        shaping.username().orElse(identity.username()),
        identity.preferredUsername(),
        identity.email(),
        identity.emailVerified(),
        shaping.groups().orElse(identity.groups()));
  }

  /**
   * What an admitted subject's token says: the identity as the deciding rule shaped it, the rule's
   * extra claims and lifetime cap, and the targets asked for as its audience (Dex's audience when
   * there are none).
   */
  static TokenClaims tokenClaims(
      String clientId,
      List<String> scopes,
      String connectorId,
      Claims claims,
      TokenShaping shaping,
      Targets targets) {
    return new TokenClaims(
        clientId,
        scopes,
        claims,
        connectorId,
        "",
        null,
        shaping.claims(),
        shaping.notAfter(),
        targets.audience());
  }

  /** {@link #expiresIn(Instant, Instant)} from now. */
  long expiresIn(Instant expiry) {
    return expiresIn(clock.instant(), expiry);
  }

  /**
   * A token response's {@code expires_in}: whole seconds from {@code now} until {@code expiry},
   * rounded down, as Dex writes it ({@code int(time.Until(expiry).Seconds())}, so normally {@code
   * expiry.idTokens - 1} once a moment has passed), and never negative. The one computation every
   * grant uses.
   */
  static long expiresIn(Instant now, Instant expiry) {
    return Math.max(0, Duration.between(now, expiry).toSeconds());
  }

  /**
   * INFO {@code message} with the identity as issued, never the token itself (Dex:
   * server/grants/tokenexchange.go tokenExchange.Authorize), the grant's own {@code details}, and
   * the deciding trust rule.
   */
  void logSuccess(
      String message,
      String connectorId,
      String clientId,
      Claims claims,
      TrustReport trust,
      Map<String, String> details) {
    LoggingEventBuilder event =
        log.atInfo()
            .setMessage(message)
            .addKeyValue("connector_id", connectorId)
            .addKeyValue("client_id", clientId)
            .addKeyValue("user_id", claims.userId())
            .addKeyValue("username", claims.username())
            .addKeyValue("preferred_username", claims.preferredUsername())
            .addKeyValue(
                "email", claims.emailVerified() ? claims.email() : claims.email() + " (unverified)")
            .addKeyValue("groups", claims.groups());
    for (Map.Entry<String, String> detail : details.entrySet()) {
      event = event.addKeyValue(detail.getKey(), detail.getValue());
    }
    if (trust.rule().isPresent()) {
      event = event.addKeyValue("rule", trust.rule().get());
    }
    event.log();
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
        trail.grantType(),
        trail.connectorLabel(),
        trail.clientLabel(),
        trail.ruleLabel(),
        record.outcome(),
        seconds);
  }
}
