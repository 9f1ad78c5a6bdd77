package dev.ferry.policy;

import java.util.Locale;

/** What one top-level conjunct of a condition evaluated to, for {@code explain}. */
public enum ConjunctStatus {
  TRUE,
  FALSE,
  /** Its evaluation failed (a missing claim, a wrong type, the cost limit). */
  ERROR,
  /** An earlier conjunct failed with an error, so this one was not tried. */
  NOT_EVALUATED;

  /** {@code true}, {@code false}, {@code error} or {@code not_evaluated}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
