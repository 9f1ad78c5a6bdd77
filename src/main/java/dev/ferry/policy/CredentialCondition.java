package dev.ferry.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code condition} of a client's federated credential ({@code
 * staticClients[].federatedCredentials[].condition}): CEL over the same variables as a trust rule's
 * condition ({@code claims}, {@code client}, {@code request}), compiled by {@link TrustCompiler}
 * with the same environment and cost limits, and evaluated by the same evaluator. Immutable and
 * safe to use from many threads at once.
 */
public final class CredentialCondition {
  private final CompiledRule rule;

  CredentialCondition(CompiledRule rule) {
    this.rule = rule;
  }

  /** The condition as written in the configuration. */
  public String source() {
    return rule.config().condition();
  }

  /**
   * Evaluates the condition on a verified client assertion. Never throws.
   *
   * @param claims the assertion's verified claims, JSON-like values
   * @return why the condition does not hold (false, or could not be evaluated), for the log only;
   *     empty when it is true
   */
  public Optional<String> refusal(
      String clientId, List<String> scopes, Map<String, Object> claims) {
    Map<String, Object> cel;
    try {
      cel = CelValues.toCel(claims);
    } catch (CelValues.TooLarge e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
    RuleEvaluator.Run run =
        RuleEvaluator.run(rule, CelEnvironment.vars(clientId, scopes, cel), cel, false);
    return switch (run.result()) {
      case MATCH -> Optional.empty();
      case ERROR -> Optional.of("condition could not be evaluated: " + run.reason().orElse(""));
      case NO_MATCH, NOT_FOR_CLIENT -> Optional.of("condition " + run.reason().orElse("was false"));
    };
  }

  /**
   * A compiled condition, or why it does not compile.
   *
   * @param problems config errors, each starting with the key it names (such as {@code
   *     staticClients[0].federatedCredentials[1].condition: ...})
   */
  public record Compiled(Optional<CredentialCondition> condition, List<String> problems) {
    public Compiled {
      problems = List.copyOf(problems);
    }
  }
}
