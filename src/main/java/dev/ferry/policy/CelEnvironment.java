package dev.ferry.policy;

import dev.cel.common.CelOptions;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;

/**
 * The one CEL environment of trust rules: the variables {@code claims}, {@code client} and {@code
 * request}, the standard macros, and the limits that bound an evaluation.
 *
 * <p>CEL-java has no runtime cost tracker (cel-go's {@code CostLimit} has no Java counterpart in
 * 0.14), so the cost is bounded in three parts: an expression is at most {@link #MAX_SOURCE}
 * characters and {@link #MAX_NODES} nodes (parse options), every comprehension step of one
 * evaluation counts against {@link #MAX_ITERATIONS} (CEL's {@code comprehensionMaxIterations}, an
 * evaluation error past it), and the claims are at most {@link CelValues#MAX_VALUES} values (a
 * token with more is refused before any rule runs). Without comprehensions each node does work
 * linear in the claims' size, so an evaluation costs at most nodes × claims plus iterations ×
 * claims.
 *
 * <p>The compiler and runtime are immutable; CEL-java's programs are stateless and safe to evaluate
 * from many threads at once (each evaluation builds its own frame), so one compiled trust block
 * serves every request thread.
 */
final class CelEnvironment {
  static final int MAX_SOURCE = 10_000;
  static final int MAX_NODES = 1_000;
  static final int MAX_ITERATIONS = 10_000;

  static final CelOptions OPTIONS =
      CelOptions.current()
          .maxExpressionCodePointSize(MAX_SOURCE)
          .maxParseExpressionNodeCount(MAX_NODES)
          .comprehensionMaxIterations(MAX_ITERATIONS)
          .maxRegexProgramSize(1_000)
          // JSON has one number type: a claim of 4.5 compares with 3 as JSON readers expect.
          .enableHeterogeneousNumericComparisons(true)
          // The unparser needs the macro calls to print has(...) and exists(...) back.
          .populateMacroCalls(true)
          .build();

  static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("claims", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("client", MapType.create(SimpleType.STRING, SimpleType.STRING))
          .addVar("request", MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)))
          .build();

  static final CelRuntime RUNTIME =
      CelRuntimeFactory.legacyCelRuntimeBuilder().setOptions(OPTIONS).build();

  private CelEnvironment() {}

  /**
   * The variables one evaluation sees: {@code claims} (already converted by {@link
   * CelValues#toCel}), {@code client.id} and {@code request.scopes}.
   */
  static Map<String, Object> vars(
      String clientId, List<String> scopes, Map<String, Object> claims) {
    return Map.of(
        "claims", claims, "client", Map.of("id", clientId), "request", Map.of("scopes", scopes));
  }
}
