package dev.ferry.policy;

import dev.ferry.policy.Explanation.ClaimValue;
import dev.ferry.policy.Explanation.ConjunctExplanation;
import dev.ferry.policy.Explanation.RuleExplanation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code ferry policy explain}'s text output. */
public final class ExplanationText {
  private ExplanationText() {}

  /**
   * For example:
   *
   * <pre>
   * token checks: passed
   * rule deploy-from-main (enforce): NO MATCH
   *   false: claims.ref == "refs/heads/main"   (claims.ref = "refs/heads/dev")
   * rule ops (enforce): NOT FOR THIS CLIENT
   * result: REFUSED (no enforce rule matched)
   * </pre>
   */
  public static String render(Explanation explanation) {
    StringBuilder out = new StringBuilder();
    out.append("token checks: ")
        .append(explanation.tokenRefusal().map(reason -> "REFUSED: " + reason).orElse("passed"))
        .append('\n');
    for (RuleExplanation rule : explanation.rules()) {
      out.append("rule ")
          .append(rule.name())
          .append(" (")
          .append(rule.mode().configName())
          .append("): ")
          .append(label(rule))
          .append('\n');
      for (ConjunctExplanation conjunct : rule.conjuncts()) {
        if (conjunct.status() == ConjunctStatus.TRUE) {
          continue;
        }
        out.append("  ")
            .append(conjunct.status().wireName().replace('_', ' '))
            .append(": ")
            .append(conjunct.source());
        String seen = seen(conjunct.claims());
        if (!seen.isEmpty()) {
          out.append("   (").append(seen).append(')');
        }
        conjunct.error().ifPresent(error -> out.append("\n    error: ").append(error));
        out.append('\n');
      }
      if (rule.result() == RuleResult.ERROR
          && rule.conjuncts().stream().noneMatch(c -> c.error().isPresent())) {
        rule.reason().ifPresent(reason -> out.append("  error: ").append(reason).append('\n'));
      }
    }
    if (explanation.allowed()) {
      out.append("result: ALLOWED")
          .append(
              explanation
                  .decidingRule()
                  .map(rule -> " by rule " + rule)
                  .orElse(" (no enforce rule)"))
          .append('\n');
      TokenShaping shaping = explanation.shaping();
      shaping
          .username()
          .ifPresent(name -> out.append("  username: ").append(CelValues.show(name)).append('\n'));
      shaping
          .groups()
          .ifPresent(
              groups -> out.append("  groups: ").append(CelValues.show(groups)).append('\n'));
      for (Map.Entry<String, Object> claim : shaping.claims().entrySet()) {
        out.append("  claim ")
            .append(claim.getKey())
            .append(": ")
            .append(CelValues.show(claim.getValue()))
            .append('\n');
      }
      shaping
          .notAfter()
          .ifPresent(
              notAfter -> out.append("  expires no later than: ").append(notAfter).append('\n'));
      if (!shaping.audiences().isEmpty()) {
        out.append("  may ask for audiences: ")
            .append(CelValues.show(shaping.audiences()))
            .append('\n');
      }
      if (!shaping.resources().isEmpty()) {
        out.append("  may ask for resources: ")
            .append(CelValues.show(shaping.resources()))
            .append('\n');
      }
    } else {
      out.append("result: REFUSED")
          .append(
              explanation.tokenRefusal().isPresent()
                  ? " (the token checks failed)"
                  : " (no enforce rule matched)")
          .append('\n');
    }
    return out.toString();
  }

  private static String label(RuleExplanation rule) {
    return switch (rule.result()) {
      case MATCH -> "MATCH";
      case NO_MATCH -> "NO MATCH";
      case NOT_FOR_CLIENT -> "NOT FOR THIS CLIENT";
      case ERROR -> "ERROR";
    };
  }

  private static String seen(List<ClaimValue> claims) {
    StringBuilder out = new StringBuilder();
    for (ClaimValue claim : claims) {
      if (!out.isEmpty()) {
        out.append(", ");
      }
      out.append(RuleEvaluator.claimLabel(claim.name()));
      Optional<Object> value = claim.value();
      out.append(value.map(v -> " = " + CelValues.show(v)).orElse(" absent"));
    }
    return out.toString();
  }
}
