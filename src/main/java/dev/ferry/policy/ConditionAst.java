package dev.ferry.policy;

import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.ExprKind.Kind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the compiler reads from a checked condition's syntax tree. */
final class ConditionAst {
  private static final String AND = Operator.LOGICAL_AND.getFunction();
  private static final String EQUALS = Operator.EQUALS.getFunction();
  private static final String IN = Operator.IN.getFunction();
  private static final String INDEX = Operator.INDEX.getFunction();

  private ConditionAst() {}

  /**
   * The top-level conjuncts of {@code a && b && c}, left to right (CEL may nest them either way).
   */
  static List<CelExpr> conjuncts(CelExpr condition) {
    List<CelExpr> out = new ArrayList<>();
    addConjuncts(condition, out);
    return out;
  }

  private static void addConjuncts(CelExpr expr, List<CelExpr> out) {
    if (expr.getKind() == Kind.CALL && expr.call().function().equals(AND)) {
      for (CelExpr arg : expr.call().args()) {
        addConjuncts(arg, out);
      }
    } else {
      out.add(expr);
    }
  }

  /**
   * Whether the conjunct is {@code claims.X == "literal"} (either side), {@code claims.X in
   * ["literals"]}, or the same with {@code claims["X"]}, for one of {@code tenantClaims}.
   */
  static boolean pins(CelExpr conjunct, List<String> tenantClaims) {
    if (conjunct.getKind() != Kind.CALL) {
      return false;
    }
    var call = conjunct.call();
    if (call.target().isPresent() || call.args().size() != 2) {
      return false;
    }
    CelExpr left = call.args().get(0);
    CelExpr right = call.args().get(1);
    if (call.function().equals(EQUALS)) {
      return (isTenantClaim(left, tenantClaims) && isLiteral(right))
          || (isTenantClaim(right, tenantClaims) && isLiteral(left));
    }
    if (call.function().equals(IN)) {
      return isTenantClaim(left, tenantClaims)
          && right.getKind() == Kind.LIST
          && !right.list().elements().isEmpty()
          && right.list().elements().stream().allMatch(ConditionAst::isLiteral);
    }
    return false;
  }

  private static boolean isTenantClaim(CelExpr expr, List<String> tenantClaims) {
    return claimName(expr).filter(tenantClaims::contains).isPresent();
  }

  /**
   * A string constant. Every shared issuer sends its tenant claims as JSON strings (GitHub's {@code
   * "repository_owner_id": "1234567"}), and CEL's {@code "1234567" == 1234567} is false, so a
   * number, bool or {@code null} would pin to nothing: a rule that can never match, which is
   * refused rather than left to fail silently.
   */
  private static boolean isLiteral(CelExpr expr) {
    return expr.getKind() == Kind.CONSTANT
        && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE;
  }

  /**
   * {@code X} when {@code expr} is {@code claims.X}, {@code has(claims.X)} or {@code claims["X"]}.
   */
  static Optional<String> claimName(CelExpr expr) {
    if (expr.getKind() == Kind.SELECT && isClaimsIdent(expr.select().operand())) {
      return Optional.of(expr.select().field());
    }
    if (expr.getKind() == Kind.CALL
        && expr.call().function().equals(INDEX)
        && expr.call().target().isEmpty()
        && expr.call().args().size() == 2
        && isClaimsIdent(expr.call().args().get(0))) {
      CelExpr key = expr.call().args().get(1);
      if (key.getKind() == Kind.CONSTANT
          && key.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
        return Optional.of(key.constant().stringValue());
      }
    }
    return Optional.empty();
  }

  private static boolean isClaimsIdent(CelExpr expr) {
    return expr.getKind() == Kind.IDENT && expr.ident().name().equals("claims");
  }

  /** Every claim the expression names as {@code claims.X} or {@code claims["X"]}, in order. */
  static Set<String> referencedClaims(CelExpr expr) {
    Set<String> out = new LinkedHashSet<>();
    collect(expr, out);
    return out;
  }

  private static void collect(CelExpr expr, Set<String> out) {
    claimName(expr).ifPresent(out::add);
    switch (expr.getKind()) {
      case SELECT -> collect(expr.select().operand(), out);
      case CALL -> {
        expr.call().target().ifPresent(target -> collect(target, out));
        expr.call().args().forEach(arg -> collect(arg, out));
      }
      case LIST -> expr.list().elements().forEach(element -> collect(element, out));
      case MAP ->
          expr.map()
              .entries()
              .forEach(entry -> {
                collect(entry.key(), out);
                collect(entry.value(), out);
              });
      case STRUCT -> expr.struct().entries().forEach(entry -> collect(entry.value(), out));
      case COMPREHENSION -> {
        var comprehension = expr.comprehension();
        collect(comprehension.iterRange(), out);
        collect(comprehension.accuInit(), out);
        collect(comprehension.loopCondition(), out);
        collect(comprehension.loopStep(), out);
        collect(comprehension.result(), out);
      }
      default -> {}
    }
  }
}
