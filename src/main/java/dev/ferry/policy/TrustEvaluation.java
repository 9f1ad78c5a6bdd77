package dev.ferry.policy;

import java.util.List;
import java.util.Optional;

/**
 * The rules' verdict on one exchange.
 *
 * @param rules every rule's outcome, in order
 * @param decidingRule the first enforce rule that matched
 * @param allowed true when a rule decided, or when the connector has no enforce rule
 * @param shaping the deciding rule's mappings and the lifetime cap (the subject token's {@code exp}
 *     and the rule's {@code expiry}); {@link TokenShaping#none()} plus the cap when no rule decided
 */
public record TrustEvaluation(
    List<RuleOutcome> rules, Optional<String> decidingRule, boolean allowed, TokenShaping shaping) {

  public TrustEvaluation {
    rules = List.copyOf(rules);
  }

  public TrustReport report() {
    return new TrustReport(decidingRule, rules);
  }
}
