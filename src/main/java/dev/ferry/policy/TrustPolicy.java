package dev.ferry.policy;

import dev.ferry.connector.VerifiedSubject;
import dev.ferry.oauth2.OAuthError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@link SubjectPolicy} of connectors' {@code trust} blocks: the token checks, then the rules.
 * A connector without a block is judged as Dex does (allowed, unchanged), except that an RFC 7523
 * assertion must still be addressed to Ferry.
 */
public final class TrustPolicy implements SubjectPolicy {
  /** What a client is told when the rules refuse (issue 8: no reasons in the response). */
  static final String POLICY_DESCRIPTION =
      "The subject token is not allowed by the connector's trust rules.";

  /**
   * How long a single-use record of a token without {@code exp} and without {@code maxTokenAge} is
   * kept: such a token has no end of validity Ferry knows, so the replay record needs one; a day
   * bounds the table while covering any CI job's token.
   */
  static final Duration UNBOUNDED_TOKEN_RECORD = Duration.ofHours(24);

  private final Map<String, ConnectorTrust> trusts;
  private final Clock clock;

  /**
   * @param trusts the compiled trust blocks by connector ID; connectors without one are absent
   */
  public TrustPolicy(Map<String, ConnectorTrust> trusts, Clock clock) {
    this.trusts = Map.copyOf(trusts);
    this.clock = clock;
  }

  @Override
  public PolicyDecision evaluate(PolicyRequest request) {
    return judge(request, true);
  }

  @Override
  public PolicyDecision checkCredential(PolicyRequest request) {
    return judge(request, false);
  }

  /** The connector's token checks, then its rules when {@code withRules}. */
  private PolicyDecision judge(PolicyRequest request, boolean withRules) {
    ConnectorTrust trust = trusts.get(request.connectorId());
    if (trust == null) {
      return NoOpSubjectPolicy.checkAudience(request);
    }
    Instant now = clock.instant();
    VerifiedSubject subject = request.subject();
    Optional<String> refused = trust.checkToken(subject.token(), now, request.ownAudiences());
    if (refused.isPresent()) {
      return PolicyDecision.deny(refused.get());
    }
    if (!withRules) {
      return new PolicyDecision.Allow(
          TokenShaping.none(), singleUse(trust, subject, now), TrustReport.none());
    }
    TrustEvaluation evaluation =
        trust.evaluate(
            new TrustInput(request.clientId(), request.scopes(), subject.claims(), subject.token()),
            now);
    if (!evaluation.allowed()) {
      return new PolicyDecision.Deny(
          OAuthError.ACCESS_DENIED,
          Optional.of(POLICY_DESCRIPTION),
          summary(evaluation),
          PolicyDecision.Refusal.POLICY,
          evaluation.report());
    }
    return new PolicyDecision.Allow(
        evaluation.shaping(), singleUse(trust, subject, now), evaluation.report());
  }

  /** The record a single-use connector keeps; checkToken refused a token without jti already. */
  private static Optional<SingleUse> singleUse(
      ConnectorTrust trust, VerifiedSubject subject, Instant now) {
    if (!trust.config().singleUse()) {
      return Optional.empty();
    }
    String jti = subject.token().jti().orElseThrow();
    return Optional.of(
        new SingleUse(subject.token().issuer(), jti, recordUntil(trust, subject, now)));
  }

  /**
   * Until when a single-use token must be remembered: its {@code exp}; without one, as long as
   * {@code maxTokenAge} still accepts it (its {@code iat} may be up to the skew ahead of now, so
   * now + skew + maxTokenAge); without either, {@link #UNBOUNDED_TOKEN_RECORD}.
   */
  private static Instant recordUntil(ConnectorTrust trust, VerifiedSubject subject, Instant now) {
    return subject
        .token()
        .expiresAt()
        .orElseGet(() ->
            trust
                .config()
                .maxTokenAge()
                .map(max -> now.plus(ConnectorTrust.IAT_SKEW).plus(max))
                .orElse(now.plus(UNBOUNDED_TOKEN_RECORD)));
  }

  /** {@code no enforce rule matched: a: no_match (...); b: not_for_client}. */
  static String summary(TrustEvaluation evaluation) {
    return "no enforce rule matched: "
        + evaluation.rules().stream()
            .map(outcome ->
                outcome.name()
                    + (outcome.mode() == RuleMode.AUDIT ? " (audit)" : "")
                    + ": "
                    + outcome.result().wireName()
                    + outcome.reason().map(reason -> " (" + reason + ")").orElse(""))
            .collect(Collectors.joining("; "));
  }
}
