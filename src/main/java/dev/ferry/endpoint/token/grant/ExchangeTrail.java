package dev.ferry.endpoint.token.grant;

import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.upstream.TokenFingerprint;
import dev.ferry.cpu.CpuBusyException;
import dev.ferry.endpoint.token.RequestContext;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.policy.AuditOutcome;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.AuditSubject;
import dev.ferry.policy.TrustReport;
import dev.ferry.token.IssuedToken;
import java.time.Instant;
import java.util.Optional;

/**
 * What one token exchange or JWT bearer grant established so far, step by step, so that however it
 * ends (a token, a refusal, an exception) its audit record says exactly what was known and nothing
 * more. One per request, confined to the request's thread.
 */
final class ExchangeTrail {
  private final String grantType;
  private final RequestContext context;
  private final Instant started;
  private Optional<String> clientId = Optional.empty();
  private Optional<String> connectorId = Optional.empty();
  private String connectorLabel = "";
  private Optional<AuditSubject> subject = Optional.empty();
  private TrustReport trust = TrustReport.none();
  private Optional<AuditOutcome> refusal = Optional.empty();
  private Optional<AuditRecord.Issued> issued = Optional.empty();

  ExchangeTrail(String grantType, RequestContext context, Instant started) {
    this.grantType = grantType;
    this.context = context;
    this.started = started;
  }

  Instant started() {
    return started;
  }

  String grantType() {
    return grantType;
  }

  /** The authenticated client. */
  void client(String id) {
    clientId = Optional.of(id);
  }

  /**
   * The {@code connector_id} the request named, and whether it names a connector that exists (only
   * then is it a metric label).
   */
  void connector(String requested, boolean exists) {
    connectorId = Optional.of(requested);
    connectorLabel = exists ? requested : "";
  }

  /** The subject token as sent: only its hash is known until it is verified. */
  void subjectToken(String token) {
    subject = Optional.of(AuditSubject.unverified(TokenFingerprint.sha256(token)));
  }

  /** The subject token passed verification: its metadata is now known. */
  void verified(VerifiedSubject verified) {
    SubjectToken token = verified.token();
    String sha256 = subject.map(AuditSubject::sha256).orElse("");
    Optional<String> sub =
        verified.claims().get("sub") instanceof String s ? Optional.of(s) : Optional.empty();
    subject =
        Optional.of(
            new AuditSubject(
                Optional.of(token.issuer()).filter(iss -> !iss.isEmpty()),
                sub,
                token.audience(),
                token.jti(),
                token.issuedAt(),
                token.expiresAt(),
                sha256));
  }

  void trust(TrustReport report) {
    trust = report;
  }

  /** The exchange is being refused for the token's or the rules' sake. */
  void refused(AuditOutcome outcome) {
    refusal = Optional.of(outcome);
  }

  void issued(IssuedToken token) {
    issued = Optional.of(new AuditRecord.Issued(token.jti(), token.audience(), token.expiry()));
  }

  String connectorLabel() {
    return connectorLabel;
  }

  /** Only an authenticated client is a metric label. */
  String clientLabel() {
    return clientId.orElse("");
  }

  String ruleLabel() {
    return trust.rule().orElse("");
  }

  AuditRecord issuedRecord(Instant now) {
    return record(now, AuditOutcome.ISSUED, Optional.empty());
  }

  AuditRecord failedRecord(Instant now, RuntimeException failure) {
    String code =
        switch (failure) {
          case OAuthException oauth -> oauth.error().code();
          case CpuBusyException busy -> OAuthError.TEMPORARILY_UNAVAILABLE.code();
          default -> OAuthError.SERVER_ERROR.code();
        };
    // A refusal the trail was told of (token, rules); any other exception is an error.
    return record(now, refusal.orElse(AuditOutcome.ERROR), Optional.of(code));
  }

  private AuditRecord record(Instant now, AuditOutcome outcome, Optional<String> error) {
    return new AuditRecord(
        now,
        context.requestId(),
        outcome,
        clientId,
        connectorId,
        subject,
        trust,
        outcome == AuditOutcome.ISSUED ? issued : Optional.empty(),
        context.remoteAddr(),
        error,
        // Token exchange records keep the members they had before other grants were audited.
        Optional.of(grantType).filter(type -> !type.equals(GrantTypes.TOKEN_EXCHANGE)));
  }
}
