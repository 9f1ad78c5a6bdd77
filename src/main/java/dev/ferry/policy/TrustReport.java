package dev.ferry.policy;

import java.util.List;
import java.util.Optional;

/**
 * What the trust rules made of an exchange, for the audit record: the deciding rule and every
 * rule's outcome in order. Empty for a connector without a {@code trust} block.
 *
 * @param rule the enforce rule that decided; empty when none did
 */
public record TrustReport(Optional<String> rule, List<RuleOutcome> rules) {

  public TrustReport {
    rules = List.copyOf(rules);
  }

  public static TrustReport none() {
    return new TrustReport(Optional.empty(), List.of());
  }
}
