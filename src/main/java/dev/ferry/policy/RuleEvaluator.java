package dev.ferry.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.ferry.policy.Explanation.ClaimValue;
import dev.ferry.policy.Explanation.ConjunctExplanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates one compiled rule on one exchange. Never throws: every failure becomes {@link
 * RuleResult#ERROR} with the reason.
 *
 * <p>The conjuncts run left to right and the first false one decides (so {@code has(claims.x) &&
 * claims.x == "y"} guards as it reads); an error stops the rule, later conjuncts are not tried.
 */
final class RuleEvaluator {

  /** A matched rule's mappings, JSON-like. */
  record Mapped(
      Optional<String> username, Optional<List<String>> groups, Map<String, Object> claims) {}

  /**
   * @param conjuncts filled only when explaining
   */
  record Run(
      RuleResult result,
      Optional<String> reason,
      Optional<Mapped> mapped,
      List<ConjunctExplanation> conjuncts) {}

  /** A claim name that CEL's field syntax can spell ({@code claims.x}); others need claims["x"]. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private RuleEvaluator() {}

  /**
   * @param vars CEL's {@code claims}, {@code client} and {@code request}
   * @param claims the same claims as {@code vars} holds, for the values a reason shows
   * @param explain evaluate every conjunct (until an error) and describe each
   */
  static Run run(
      CompiledRule rule, Map<String, Object> vars, Map<String, Object> claims, boolean explain) {
    List<ConjunctExplanation> described = explain ? new ArrayList<>() : List.of();
    Optional<String> firstFalse = Optional.empty();
    Optional<String> error = Optional.empty();
    for (Conjunct conjunct : rule.conjuncts()) {
      if (error.isPresent()) {
        if (!explain) {
          break;
        }
        described.add(describe(conjunct, ConjunctStatus.NOT_EVALUATED, claims, Optional.empty()));
        continue;
      }
      Object value;
      try {
        value = conjunct.program().eval(vars);
      } catch (CelEvaluationException e) {
        value = new Failure(oneLine(e.getMessage()));
      } catch (RuntimeException e) {
        // CEL-java may throw unchecked on values it did not expect; still a rule error, not a 500.
        value = new Failure("evaluation failed (" + e.getClass().getSimpleName() + ")");
      }
      if (value instanceof Boolean bool) {
        if (explain) {
          ConjunctStatus status = bool ? ConjunctStatus.TRUE : ConjunctStatus.FALSE;
          described.add(describe(conjunct, status, claims, Optional.empty()));
        }
        if (!bool && firstFalse.isEmpty()) {
          firstFalse = Optional.of(falseReason(conjunct, claims));
          if (!explain) {
            break;
          }
        }
        continue;
      }
      String message =
          value instanceof Failure failure
              ? failure.message()
              : "evaluated to " + CelValues.typeName(value) + ", not bool";
      error = Optional.of(conjunct.source() + ": " + message);
      if (explain) {
        described.add(describe(conjunct, ConjunctStatus.ERROR, claims, Optional.of(message)));
      }
    }
    // An error in an earlier conjunct wins over a later false one: the rule could not be judged.
    if (error.isPresent() && (firstFalse.isEmpty() || explainErrorFirst(described))) {
      return new Run(RuleResult.ERROR, error, Optional.empty(), described);
    }
    if (firstFalse.isPresent()) {
      return new Run(RuleResult.NO_MATCH, firstFalse, Optional.empty(), described);
    }
    try {
      return new Run(RuleResult.MATCH, Optional.empty(), Optional.of(map(rule, vars)), described);
    } catch (MappingFailure e) {
      return new Run(
          RuleResult.ERROR, Optional.of(oneLine(e.getMessage())), Optional.empty(), described);
    }
  }

  /**
   * When explaining, a false conjunct before the error means the rule is simply not matched (the
   * hot path stops at that false conjunct and never sees the error).
   */
  private static boolean explainErrorFirst(List<ConjunctExplanation> described) {
    for (ConjunctExplanation conjunct : described) {
      if (conjunct.status() == ConjunctStatus.FALSE) {
        return false;
      }
      if (conjunct.status() == ConjunctStatus.ERROR) {
        return true;
      }
    }
    return true;
  }

  private record Failure(String message) {}

  private static String falseReason(Conjunct conjunct, Map<String, Object> claims) {
    StringBuilder reason = new StringBuilder(conjunct.source()).append(" was false");
    if (!conjunct.claims().isEmpty()) {
      reason.append(" (");
      String separator = "";
      for (String name : conjunct.claims()) {
        reason.append(separator).append(claimLabel(name));
        separator = ", ";
        Object value = claims.get(name);
        if (value == null) {
          reason.append(" absent");
        } else {
          reason.append(" = ").append(CelValues.show(value));
        }
      }
      reason.append(')');
    }
    return reason.toString();
  }

  /** {@code claims.name}, or {@code claims["kubernetes.io"]} for a name CEL cannot select. */
  static String claimLabel(String name) {
    return IDENTIFIER.matcher(name).matches()
        ? "claims." + name
        : "claims[" + CelValues.show(name) + "]";
  }

  private static ConjunctExplanation describe(
      Conjunct conjunct,
      ConjunctStatus status,
      Map<String, Object> claims,
      Optional<String> error) {
    List<ClaimValue> seen = new ArrayList<>();
    for (String name : conjunct.claims()) {
      seen.add(new ClaimValue(name, Optional.ofNullable(claims.get(name))));
    }
    return new ConjunctExplanation(conjunct.source(), status, seen, error);
  }

  private static final class MappingFailure extends Exception {
    private static final long serialVersionUID = 1L;

    MappingFailure(String message) {
      super(message, null, false, false);
    }
  }

  private static Mapped map(CompiledRule rule, Map<String, Object> vars) throws MappingFailure {
    Optional<String> username = Optional.empty();
    if (rule.username().isPresent()) {
      Object value = eval("username", rule.username().get(), vars);
      if (!(value instanceof String text)) {
        throw new MappingFailure(
            "username: evaluated to " + CelValues.typeName(value) + ", not string");
      }
      username = Optional.of(text);
    }
    Optional<List<String>> groups = Optional.empty();
    if (rule.groups().isPresent()) {
      Object value = eval("groups", rule.groups().get(), vars);
      if (!(value instanceof List<?> list)) {
        throw new MappingFailure(
            "groups: evaluated to " + CelValues.typeName(value) + ", not list(string)");
      }
      List<String> names = new ArrayList<>(list.size());
      for (Object element : list) {
        if (!(element instanceof String name)) {
          throw new MappingFailure(
              "groups: an element is " + CelValues.typeName(element) + ", not string");
        }
        names.add(name);
      }
      groups = Optional.of(names);
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    for (Map.Entry<String, CelRuntime.Program> claim : rule.claims().entrySet()) {
      String key = "claims." + claim.getKey();
      Object value = eval(key, claim.getValue(), vars);
      try {
        claims.put(claim.getKey(), CelValues.toJson(value));
      } catch (CelValues.NotJson e) {
        throw new MappingFailure(key + ": " + e.getMessage());
      }
    }
    return new Mapped(username, groups, claims);
  }

  private static Object eval(String key, CelRuntime.Program program, Map<String, Object> vars)
      throws MappingFailure {
    try {
      return program.eval(vars);
    } catch (CelEvaluationException e) {
      throw new MappingFailure(key + ": " + oneLine(e.getMessage()));
    } catch (RuntimeException e) {
      throw new MappingFailure(key + ": evaluation failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  static String oneLine(@Nullable String message) {
    if (message == null) {
      return "evaluation failed";
    }
    return message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
