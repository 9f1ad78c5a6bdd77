package dev.ferry.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A connector's {@code trust} block (Ferry's extension beside Dex's {@code config}): checks on the
 * upstream token beyond its signature, and the rules that decide which verified subjects may have a
 * token and what it carries. See docs/trust-policies.md.
 *
 * @param audiences the upstream token's {@code aud} must contain one of these; empty: not checked
 * @param maxTokenAge refuse tokens whose {@code iat} is older than this; empty: not checked
 * @param singleUse accept each {@code (iss, jti)} once, across replicas
 * @param rules tried in order
 */
public record TrustConfig(
    List<String> audiences,
    Optional<Duration> maxTokenAge,
    boolean singleUse,
    List<RuleConfig> rules) {

  public TrustConfig {
    audiences = List.copyOf(audiences);
    rules = List.copyOf(rules);
  }
}
