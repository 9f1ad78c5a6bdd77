package dev.ferry.policy;

import dev.ferry.connector.SubjectToken;
import dev.ferry.policy.Explanation.RuleExplanation;
import dev.ferry.policy.SharedIssuers.SharedIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One connector's compiled {@code trust} block: the token checks and the rules, compiled once by
 * {@link TrustCompiler} and evaluated on every exchange through the connector. Immutable and safe
 * to use from many threads at once.
 */
public final class ConnectorTrust {
  /** How far in the future a token's {@code iat} may be (clock skew between issuers). */
  static final Duration IAT_SKEW = Duration.ofMinutes(5);

  private final TrustConfig config;
  private final List<CompiledRule> rules;
  private final boolean hasEnforceRule;
  private final Optional<SharedIssuer> pinnedFor;

  /**
   * @param pinnedFor the shared issuer whose tenant every rule was checked to pin, when the
   *     configured issuer is one
   */
  ConnectorTrust(TrustConfig config, List<CompiledRule> rules, Optional<SharedIssuer> pinnedFor) {
    this.config = config;
    this.rules = List.copyOf(rules);
    this.pinnedFor = pinnedFor;
    this.hasEnforceRule = config.rules().stream().anyMatch(rule -> rule.mode() == RuleMode.ENFORCE);
  }

  public TrustConfig config() {
    return config;
  }

  /**
   * The checks on the token beyond its signature: {@code audiences}, {@code iat} at most 5 minutes
   * in the future, {@code maxTokenAge}, and a {@code jti} when {@code singleUse}.
   *
   * @return the reason the token is refused, empty when it passes
   */
  public Optional<String> checkToken(SubjectToken token, Instant now) {
    return checkToken(token, now, Set.of());
  }

  /**
   * As {@link #checkToken(SubjectToken, Instant)}, for a token that may be an RFC 7523 assertion.
   *
   * @param ownAudiences Ferry's own identifiers when the token is an assertion (see {@link
   *     PolicyRequest#ownAudiences}): its {@code aud} must then name one of them or one of {@code
   *     audiences}; empty for a subject token, whose {@code aud} is checked against {@code
   *     audiences} alone
   */
  public Optional<String> checkToken(SubjectToken token, Instant now, Set<String> ownAudiences) {
    Optional<SharedIssuer> shared = SharedIssuers.find(Optional.of(token.issuer()));
    if (shared.isPresent() && !shared.equals(pinnedFor)) {
      // The configured issuer did not name this shared issuer (a discovery override, a mirror), so
      // the rules were never required to pin its tenant: refuse rather than trust every tenant.
      return Optional.of(
          "subject token iss "
              + token.issuer()
              + " is the shared issuer of "
              + shared.get().service()
              + ", but the connector's issuer (or issuerAlias) does not name it, so its trust rules"
              + " were not checked to pin a tenant; configure that issuer on the connector");
    }
    if (!ownAudiences.isEmpty()) {
      Optional<String> misaddressed =
          AssertionAudience.refusal(token, ownAudiences, config.audiences());
      if (misaddressed.isPresent()) {
        return misaddressed;
      }
    } else if (!config.audiences().isEmpty()) {
      if (token.audience().isEmpty()) {
        return Optional.of(
            "subject token has no aud; the trusted audiences are " + config.audiences());
      }
      if (token.audience().stream().noneMatch(config.audiences()::contains)) {
        return Optional.of(
            "subject token aud "
                + token.audience()
                + " contains none of the trusted audiences "
                + config.audiences());
      }
    }
    if (token.issuedAt().isPresent()) {
      Instant iat = token.issuedAt().get();
      if (iat.isAfter(now.plus(IAT_SKEW))) {
        return Optional.of(
            "subject token iat is "
                + GoDurations.format(Duration.between(now, iat))
                + " in the future, more than the allowed clock skew of "
                + GoDurations.format(IAT_SKEW));
      }
    }
    if (config.maxTokenAge().isPresent()) {
      Duration max = config.maxTokenAge().get();
      if (token.issuedAt().isEmpty()) {
        return Optional.of(
            "subject token has no iat, which maxTokenAge (" + GoDurations.format(max) + ") needs");
      }
      Duration age = Duration.between(token.issuedAt().get(), now);
      if (age.compareTo(max) > 0) {
        return Optional.of(
            "subject token was issued "
                + GoDurations.format(age)
                + " ago, more than maxTokenAge "
                + GoDurations.format(max));
      }
    }
    if (config.singleUse() && token.jti().isEmpty()) {
      return Optional.of("subject token has no jti, which singleUse needs");
    }
    return Optional.empty();
  }

  /** Tries the rules in order on the verified claims. Never throws on bad claims. */
  public TrustEvaluation evaluate(TrustInput input, Instant now) {
    Verdict verdict = judge(input, now, false);
    List<RuleOutcome> outcomes = new ArrayList<>(verdict.runs().size());
    for (int i = 0; i < rules.size(); i++) {
      RuleConfig rule = rules.get(i).config();
      RuleEvaluator.Run run = verdict.runs().get(i);
      outcomes.add(new RuleOutcome(rule.name(), rule.mode(), run.result(), run.reason()));
    }
    return new TrustEvaluation(
        outcomes, verdict.decidingRule(), verdict.allowed(), verdict.shaping());
  }

  /**
   * Everything {@code ferry policy explain} shows: the token checks, and every rule with each of
   * its top-level conjuncts (all of them, not only the first false one) and the claim values they
   * saw, and what the issued token would carry.
   */
  public Explanation explain(TrustInput input, Instant now) {
    Optional<String> refusal = checkToken(input.token(), now);
    Verdict verdict = judge(input, now, true);
    List<RuleExplanation> explained = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      RuleConfig rule = rules.get(i).config();
      RuleEvaluator.Run run = verdict.runs().get(i);
      explained.add(
          new RuleExplanation(
              rule.name(), rule.mode(), run.result(), run.conjuncts(), run.reason()));
    }
    return new Explanation(
        refusal,
        explained,
        verdict.decidingRule(),
        refusal.isEmpty() && verdict.allowed(),
        verdict.shaping());
  }

  private record Verdict(
      List<RuleEvaluator.Run> runs,
      Optional<String> decidingRule,
      boolean allowed,
      TokenShaping shaping) {}

  private static final RuleEvaluator.Run NOT_FOR_CLIENT =
      new RuleEvaluator.Run(
          RuleResult.NOT_FOR_CLIENT, Optional.empty(), Optional.empty(), List.of());

  /**
   * Every rule is evaluated, also after the deciding one: audit rules must be (their would-be
   * outcome is the point of audit mode), and the audit record lists one honest outcome per rule.
   */
  private Verdict judge(TrustInput input, Instant now, boolean explain) {
    Map<String, Object> claims;
    Optional<String> tooLarge = Optional.empty();
    try {
      claims = CelValues.toCel(input.claims());
    } catch (CelValues.TooLarge e) {
      claims = Map.of();
      tooLarge = Optional.of(String.valueOf(e.getMessage()));
    }
    Map<String, Object> vars = CelEnvironment.vars(input.clientId(), input.scopes(), claims);
    List<RuleEvaluator.Run> runs = new ArrayList<>(rules.size());
    Optional<CompiledRule> decider = Optional.empty();
    Optional<RuleEvaluator.Mapped> mapped = Optional.empty();
    for (CompiledRule rule : rules) {
      RuleEvaluator.Run run;
      if (!rule.config().admits(input.clientId())) {
        run = NOT_FOR_CLIENT;
      } else if (tooLarge.isPresent()) {
        run = new RuleEvaluator.Run(RuleResult.ERROR, tooLarge, Optional.empty(), List.of());
      } else {
        run = RuleEvaluator.run(rule, vars, claims, explain);
      }
      runs.add(run);
      if (decider.isEmpty()
          && rule.config().mode() == RuleMode.ENFORCE
          && run.result() == RuleResult.MATCH) {
        decider = Optional.of(rule);
        mapped = run.mapped();
      }
    }
    Optional<Instant> notAfter = input.token().expiresAt();
    if (decider.isPresent() && decider.get().config().expiry().isPresent()) {
      Instant cap = now.plus(decider.get().config().expiry().get());
      notAfter = Optional.of(notAfter.filter(exp -> exp.isBefore(cap)).orElse(cap));
    }
    TokenShaping shaping =
        new TokenShaping(
            mapped.flatMap(RuleEvaluator.Mapped::username),
            mapped.flatMap(RuleEvaluator.Mapped::groups),
            mapped.map(RuleEvaluator.Mapped::claims).orElse(Map.of()),
            notAfter,
            decider.map(rule -> rule.config().audiences()).orElse(List.of()),
            decider.map(rule -> rule.config().resources()).orElse(List.of()));
    return new Verdict(
        runs,
        decider.map(rule -> rule.config().name()),
        decider.isPresent() || !hasEnforceRule,
        shaping);
  }
}
