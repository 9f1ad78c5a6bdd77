package dev.ferry.policy;

import dev.cel.runtime.CelRuntime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A rule with its expressions compiled: built once at load, evaluated on every exchange. */
record CompiledRule(
    RuleConfig config,
    List<Conjunct> conjuncts,
    Optional<CelRuntime.Program> username,
    Optional<CelRuntime.Program> groups,
    Map<String, CelRuntime.Program> claims) {

  CompiledRule {
    conjuncts = List.copyOf(conjuncts);
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
  }
}
