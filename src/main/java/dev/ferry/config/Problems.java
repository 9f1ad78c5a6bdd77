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

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<Problem> list() {
    return new ArrayList<>(problems);
  }
}
