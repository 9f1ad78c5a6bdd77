package dev.ferry.policy;

import java.util.List;
import java.util.Optional;

/**
 * Why a token would or would not be allowed: the model of {@code ferry policy explain}. Built by
 * {@link ConnectorTrust#explain}; rendered by {@link ExplanationText} and {@link ExplanationJson}.
 *
 * @param tokenRefusal the reason the token checks ({@code audiences}, {@code maxTokenAge}, {@code
 *     iat}, {@code jti}) refuse it; the rules are explained either way
 * @param rules every rule, in order
 * @param decidingRule the first enforce rule that matched
 * @param allowed true when the token checks pass and the rules allow
 * @param shaping what the issued token would carry: the deciding rule's username, groups, claims
 *     and the lifetime cap
 */
public record Explanation(
    Optional<String> tokenRefusal,
    List<RuleExplanation> rules,
    Optional<String> decidingRule,
    boolean allowed,
    TokenShaping shaping) {

  public Explanation {
    rules = List.copyOf(rules);
  }

  /**
   * One rule.
   *
   * @param conjuncts every top-level conjunct of the condition, in order, with what it saw; empty
   *     when the rule is not for the client (nothing was evaluated)
   * @param reason the audit record's reason: the first false conjunct or the error
   */
  public record RuleExplanation(
      String name,
      RuleMode mode,
      RuleResult result,
      List<ConjunctExplanation> conjuncts,
      Optional<String> reason) {

    public RuleExplanation {
      conjuncts = List.copyOf(conjuncts);
    }
  }

  /**
   * One top-level conjunct.
   *
   * @param source the conjunct as CEL text
   * @param claims the claims it names, with the values it saw
   * @param error the evaluation error, for {@link ConjunctStatus#ERROR}
   */
  public record ConjunctExplanation(
      String source, ConjunctStatus status, List<ClaimValue> claims, Optional<String> error) {

    public ConjunctExplanation {
      claims = List.copyOf(claims);
    }
  }

  /**
   * A claim as a conjunct saw it.
   *
   * @param value JSON-like (String, Long, Double, Boolean, List, Map); empty when the token does
   *     not have the claim
   */
  public record ClaimValue(String name, Optional<Object> value) {}
}
