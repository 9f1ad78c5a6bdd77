package dev.ferry.policy;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of {@code trust.rules}. The expressions are CEL source, compiled by the policy package
 * when the configuration is loaded.
 *
 * @param name unique within the connector; names the rule in audit records and errors
 * @param clients the requesting clients this rule serves; absent: any client (an empty list is a
 *     config error)
 * @param condition CEL, bool
 * @param username CEL, string: replaces the mapped username
 * @param groups CEL, list(string): replaces the mapped groups
 * @param claims extra claims in the issued token, name to CEL, in file order
 * @param expiry cap on the issued token's lifetime
 */
public record RuleConfig(
    String name,
    Optional<List<String>> clients,
    String condition,
    Optional<String> username,
    Optional<String> groups,
    Map<String, String> claims,
    Optional<Duration> expiry,
    RuleMode mode) {

  public RuleConfig {
    clients = clients.map(List::copyOf);
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
  }

  /** Whether this rule serves the client: {@code clients} omitted admits every client. */
  public boolean admits(String clientId) {
    return clients.map(list -> list.contains(clientId)).orElse(true);
  }
}
