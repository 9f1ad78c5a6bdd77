package dev.ferry.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the problems of one load, so that every problem is reported at once instead of the
 * first. One instance per load; not shared between threads.
 */
final class Problems {
  private final Set<Problem> problems = new LinkedHashSet<>();

  void add(String key, String message) {
    problems.add(new Problem(key, message));
  }

  /** Whether a problem was already recorded at exactly {@code key}, e.g. a type error. */
  boolean has(String key) {
    return problems.stream().anyMatch(p -> p.key().equals(key));
  }

  /**
   * Whether a problem was recorded at {@code key} or at a key between it and {@code within} (such
   * as {@code connectors[0].trust.rules[1]} for {@code connectors[0].trust.rules[1].name} within
   * {@code connectors[0].trust}). Keys above {@code within} do not count.
   */
  boolean hasAtOrAbove(String key, String within) {
    return problems.stream()
        .map(Problem::key)
        .filter(k -> k.equals(within) || isUnder(k, within))
        .anyMatch(k -> key.equals(k) || isUnder(key, k));
  }

  private static boolean isUnder(String key, String parent) {
    return key.startsWith(parent + ".") || key.startsWith(parent + "[");
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<Problem> list() {
    return new ArrayList<>(problems);
  }
}
