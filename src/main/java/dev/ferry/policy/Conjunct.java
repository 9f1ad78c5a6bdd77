package dev.ferry.policy;

import dev.cel.runtime.CelRuntime;
import java.util.List;

/**
 * One top-level conjunct of a rule's condition, compiled as its own program so that a refusal can
 * say which one was false.
 *
 * @param source the conjunct as CEL text (re-printed from the syntax tree)
 * @param claims the claims it names, whose values a reason shows
 */
record Conjunct(String source, CelRuntime.Program program, List<String> claims) {

  Conjunct {
    claims = List.copyOf(claims);
  }
}
