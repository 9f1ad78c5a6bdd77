package dev.ferry.policy;

import java.util.Optional;

/**
 * One rule's part in one exchange.
 *
 * @param reason for {@code no_match} the first false top-level conjunct with the claim values it
 *     saw; for {@code error} the evaluation error; empty otherwise
 */
public record RuleOutcome(String name, RuleMode mode, RuleResult result, Optional<String> reason) {}
