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
 * @param audiences what a token exchange this rule decides may name as its audience parameter (RFC
 *     8693 §2.1), beyond the clients that list the requester in their {@code trustedPeers}
 * @param resources what a token exchange this rule decides may name as its resource parameter (RFC
 *     8707): absolute URIs, compared as exact strings
 */
public record RuleConfig(
    String name,
    Optional<List<String>> clients,
    String condition,
    Optional<String> username,
    Optional<String> groups,
    Map<String, String> claims,
    Optional<Duration> expiry,
    RuleMode mode,
    List<String> audiences,
    List<String> resources) {

  public RuleConfig {
    clients = clients.map(List::copyOf);
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    audiences = List.copyOf(audiences);
    resources = List.copyOf(resources);
  }

  /** A rule that allows no {@code audience} or {@code resource} beyond Dex's cross-client rule. */
  public RuleConfig(
      String name,
      Optional<List<String>> clients,
      String condition,
      Optional<String> username,
      Optional<String> groups,
      Map<String, String> claims,
      Optional<Duration> expiry,
      RuleMode mode) {
    this(name, clients, condition, username, groups, claims, expiry, mode, List.of(), List.of());
  }

  /** Whether this rule serves the client: {@code clients} omitted admits every client. */
  public boolean admits(String clientId) {
    return clients.map(list -> list.contains(clientId)).orElse(true);
  }
}
