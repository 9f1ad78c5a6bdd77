package dev.ferry.policy;

import java.util.List;
import java.util.Optional;

/**
 * A connector's {@code trust} block after compilation.
 *
 * @param trust present when there are no problems
 * @param problems config errors, each starting with the key it names (such as {@code
 *     connectors[0].trust.rules[1].condition: ...})
 * @param warnings what an operator should know but that still serves (such as a condition that
 *     names a mutable claim but no immutable one), each starting with its key
 */
public record CompiledTrust(
    Optional<ConnectorTrust> trust, List<String> problems, List<String> warnings) {

  public CompiledTrust {
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
  }
}
