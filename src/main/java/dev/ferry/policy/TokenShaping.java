package dev.ferry.policy;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an allowed exchange changes in the issued token: the deciding rule's mappings and the
 * lifetime cap of a connector with a {@code trust} block.
 *
 * @param username replaces the identity's username
 * @param groups replaces the identity's groups (still sent only when the scopes ask for them)
 * @param claims extra claims, JSON-like values (String, Long, Double, Boolean, List, Map), in rule
 *     order; never one of the claims Ferry sets itself
 * @param notAfter the token expires no later than this: the earliest of the rule's {@code expiry}
 *     from now and the subject token's {@code exp}
 * @param audiences the deciding rule's {@code audiences}: the audience parameter values it allows
 * @param resources the deciding rule's {@code resources}: the resource parameter values it allows
 */
public record TokenShaping(
    Optional<String> username,
    Optional<List<String>> groups,
    Map<String, Object> claims,
    Optional<Instant> notAfter,
    List<String> audiences,
    List<String> resources) {

  public TokenShaping {
    groups = groups.map(List::copyOf);
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    audiences = List.copyOf(audiences);
    resources = List.copyOf(resources);
  }

  /** Shaping that allows no target beyond Dex's cross-client rule. */
  public TokenShaping(
      Optional<String> username,
      Optional<List<String>> groups,
      Map<String, Object> claims,
      Optional<Instant> notAfter) {
    this(username, groups, claims, notAfter, List.of(), List.of());
  }

  /** Dex's behaviour: the token as the connector mapped the identity. */
  public static TokenShaping none() {
    return new TokenShaping(Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
  }
}
