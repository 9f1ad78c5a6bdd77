package dev.ferry.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.parser.CelUnparser;
import dev.cel.parser.CelUnparserFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.ferry.oauth2.ResourceIndicator;
import dev.ferry.policy.SharedIssuers.SharedIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles {@code trust} blocks once, when the configuration is loaded: every CEL expression is
 * parsed and type-checked, every key validated, and on a shared issuer every rule must pin the
 * tenant (see {@link SharedIssuers}). Problems and warnings each start with the key they name.
 */
public final class TrustCompiler {

  /** The claims Ferry sets itself: a rule's {@code claims} may not replace them. */
  static final Set<String> RESERVED_CLAIMS =
      Set.of(
          "iss",
          "sub",
          "aud",
          "exp",
          "iat",
          "nbf",
          "jti",
          "azp",
          "nonce",
          "at_hash",
          "c_hash",
          "email",
          "email_verified",
          "groups",
          "name",
          "preferred_username",
          "federated_claims");

  private static final String RESERVED_LIST =
      "iss sub aud exp iat nbf jti azp nonce at_hash c_hash email email_verified groups name"
          + " preferred_username federated_claims";

  private TrustCompiler() {}

  /**
   * @param key the block's key in the file, such as {@code connectors[0].trust}
   * @param upstreamIssuer the connector's upstream issuer URL when known (the {@code oidc}
   *     connector's {@code issuer}), for tenant pinning on shared issuers
   */
  public static CompiledTrust compile(
      String key, Optional<String> upstreamIssuer, TrustConfig config) {
    Optional<SharedIssuer> shared = SharedIssuers.find(upstreamIssuer);
    Compilation compilation = new Compilation(key, shared);
    List<CompiledRule> rules = compilation.compile(config);
    if (shared.isPresent()
        && config.rules().stream().noneMatch(rule -> rule.mode() == RuleMode.ENFORCE)) {
      // Pinning is checked per rule, so a block without enforce rules (empty, or only audit rules
      // while one is rolled out) pins nothing: the same exposure as no block, said the same way.
      compilation.warnings.add(
          key
              + ": the trust block has no enforce rule, so any repository or project on "
              + shared.get().service()
              + " ("
              + shared.get().issuer()
              + ") can exchange its tokens through this connector (audit-mode rules only record)."
              + " Add an enforce rule that pins your tenant with "
              + orList(shared.get())
              + " (see docs/trust-policies.md)");
    }
    Optional<ConnectorTrust> trust =
        compilation.problems.isEmpty()
            ? Optional.of(new ConnectorTrust(config, rules, shared))
            : Optional.empty();
    return new CompiledTrust(trust, compilation.problems, compilation.warnings);
  }

  /**
   * Compiles the {@code condition} of a client's federated credential: the CEL environment, limits
   * and checks of a trust rule's condition (bool, type-checked, split into conjuncts so that a
   * refusal names the false one). On a shared issuer the condition must pin the tenant exactly as a
   * rule must, and a credential without one is a problem: the credential's {@code subject} is a
   * {@code sub} such as {@code repo:octo/app:ref:refs/heads/main}, built from names that can be
   * renamed and registered again by another tenant of the same issuer.
   *
   * @param key the credential's key, such as {@code staticClients[0].federatedCredentials[1]}; the
   *     problems name {@code <key>.condition}
   * @param upstreamIssuer the credential's connector's upstream issuer when known
   * @param source the condition; blank when the credential has none
   * @return the compiled condition (empty when there is none or it failed), and the problems
   */
  public static CredentialCondition.Compiled compileCredentialCondition(
      String key, Optional<String> upstreamIssuer, String source) {
    Optional<SharedIssuer> shared = SharedIssuers.find(upstreamIssuer);
    Compilation compilation = new Compilation(key, shared);
    String what = "the federated credential";
    if (source.isBlank()) {
      shared.ifPresent(issuer -> compilation.problems.add(pinProblem(key, what, issuer)));
      return new CredentialCondition.Compiled(Optional.empty(), compilation.problems);
    }
    RuleConfig rule =
        new RuleConfig(
            key,
            Optional.empty(),
            source,
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            Optional.empty(),
            RuleMode.ENFORCE);
    List<Conjunct> conjuncts = compilation.compileCondition(key, what, rule);
    if (!compilation.problems.isEmpty()) {
      return new CredentialCondition.Compiled(Optional.empty(), compilation.problems);
    }
    CompiledRule compiled =
        new CompiledRule(rule, conjuncts, Optional.empty(), Optional.empty(), Map.of());
    return new CredentialCondition.Compiled(
        Optional.of(new CredentialCondition(compiled)), List.of());
  }

  /**
   * The tenant-pinning problem of a rule or credential on a shared issuer, one wording for both.
   *
   * @param ruleKey the rule's or credential's key; the problem names {@code <ruleKey>.condition}
   * @param what {@code rule "name"} or {@code the federated credential}
   */
  private static String pinProblem(String ruleKey, String what, SharedIssuer issuer) {
    return ruleKey
        + ".condition: "
        + what
        + " does not pin the tenant of the shared issuer "
        + issuer.issuer()
        + " ("
        + issuer.service()
        + "): its condition must compare one of "
        + issuer.tenantClaimList()
        + " with == to a string literal (or with in to a list of string literals) at"
        + " the top level of its && chain (the issuer sends these claims as strings)";
  }

  /**
   * The warning for a connector without a {@code trust} block on a shared issuer: any tenant of
   * that issuer can exchange tokens for the clients that can use the connector.
   *
   * @param key the connector's key, such as {@code connectors[0]}
   * @param clientIds the clients that can use the connector (those whose {@code allowedConnectors}
   *     is empty or names it)
   * @return empty when the issuer is not shared
   */
  public static Optional<String> unprotectedIssuerWarning(
      String key, String connectorId, Optional<String> upstreamIssuer, List<String> clientIds) {
    return SharedIssuers.find(upstreamIssuer)
        .map(shared -> {
          String clients =
              clientIds.isEmpty()
                  ? "no client can use it currently, but every client later allowed to use it"
                      + " will be exposed"
                  : "each of them can get tokens for the clients that can use the connector: "
                      + String.join(", ", clientIds);
          return key
              + ": connector \""
              + connectorId
              + "\" trusts the shared issuer "
              + shared.issuer()
              + " ("
              + shared.service()
              + ") without a trust block, so any repository or project on "
              + shared.service()
              + " can exchange its tokens through it; "
              + clients
              + ". Add a trust block whose rules pin your tenant with "
              + orList(shared)
              + " (see docs/trust-policies.md)";
        });
  }

  private static String orList(SharedIssuer shared) {
    List<String> claims =
        shared.tenantClaims().stream().map(claim -> "claims." + claim + " == \"...\"").toList();
    if (claims.size() == 1) {
      return claims.get(0);
    }
    return String.join(", ", claims.subList(0, claims.size() - 1))
        + " or "
        + claims.get(claims.size() - 1);
  }

  /** One block's compilation: collects every problem rather than stopping at the first. */
  private static final class Compilation {
    private final String key;
    private final Optional<SharedIssuer> shared;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final CelUnparser unparser = CelUnparserFactory.newUnparser();

    Compilation(String key, Optional<SharedIssuer> shared) {
      this.key = key;
      this.shared = shared;
    }

    List<CompiledRule> compile(TrustConfig config) {
      for (int i = 0; i < config.audiences().size(); i++) {
        if (config.audiences().get(i).isBlank()) {
          problems.add(key + ".audiences[" + i + "]: an audience must not be empty");
        }
      }
      config.maxTokenAge().ifPresent(age -> checkPositive(key + ".maxTokenAge", age));
      Map<String, Integer> names = new HashMap<>();
      List<CompiledRule> rules = new ArrayList<>();
      for (int i = 0; i < config.rules().size(); i++) {
        RuleConfig rule = config.rules().get(i);
        String ruleKey = key + ".rules[" + i + "]";
        if (rule.name().isBlank()) {
          problems.add(ruleKey + ".name: a rule needs a name (it names the rule in audit records)");
        } else {
          Integer first = names.putIfAbsent(rule.name(), i);
          if (first != null) {
            problems.add(
                ruleKey
                    + ".name: duplicate rule name \""
                    + rule.name()
                    + "\" (also "
                    + key
                    + ".rules["
                    + first
                    + "])");
          }
        }
        compileRule(ruleKey, rule).ifPresent(rules::add);
      }
      return rules;
    }

    private void checkPositive(String durationKey, Duration duration) {
      if (duration.isNegative() || duration.isZero()) {
        problems.add(durationKey + ": must be positive, not " + GoDurations.format(duration));
      }
    }

    private Optional<CompiledRule> compileRule(String ruleKey, RuleConfig rule) {
      int before = problems.size();
      if (rule.clients().isPresent() && rule.clients().get().isEmpty()) {
        problems.add(
            ruleKey + ".clients: an empty list admits no client; omit clients to admit any client");
      }
      rule.expiry().ifPresent(expiry -> checkPositive(ruleKey + ".expiry", expiry));
      checkTargets(ruleKey, rule);
      List<Conjunct> conjuncts = List.of();
      if (rule.condition().isBlank()) {
        problems.add(ruleKey + ".condition: a rule needs a condition (CEL, bool)");
      } else {
        conjuncts = compileCondition(ruleKey, "rule \"" + rule.name() + "\"", rule);
      }
      Optional<CelRuntime.Program> username =
          rule.username()
              .flatMap(source -> program(ruleKey + ".username", source, "a string", Shape.STRING));
      Optional<CelRuntime.Program> groups =
          rule.groups()
              .flatMap(
                  source -> program(ruleKey + ".groups", source, "a list(string)", Shape.STRINGS));
      Map<String, CelRuntime.Program> claims = new LinkedHashMap<>();
      for (Map.Entry<String, String> claim : rule.claims().entrySet()) {
        String claimKey = ruleKey + ".claims." + claim.getKey();
        if (RESERVED_CLAIMS.contains(claim.getKey())) {
          problems.add(
              claimKey
                  + ": Ferry sets this claim itself; a rule's claims may not replace any of "
                  + RESERVED_LIST);
          continue;
        }
        if (claim.getKey().isBlank()) {
          problems.add(claimKey + ": a claim needs a name");
          continue;
        }
        program(claimKey, claim.getValue(), "JSON (string, number, bool, list or map)", Shape.JSON)
            .ifPresent(program -> claims.put(claim.getKey(), program));
      }
      if (problems.size() > before) {
        return Optional.empty();
      }
      return Optional.of(new CompiledRule(rule, conjuncts, username, groups, claims));
    }

    /**
     * {@code audiences} and {@code resources}: non-empty strings, and each resource a value a
     * request may carry (RFC 8707 §2), or it could never be asked for.
     */
    private void checkTargets(String ruleKey, RuleConfig rule) {
      for (int i = 0; i < rule.audiences().size(); i++) {
        if (rule.audiences().get(i).isBlank()) {
          problems.add(ruleKey + ".audiences[" + i + "]: an audience must not be empty");
        }
      }
      for (int i = 0; i < rule.resources().size(); i++) {
        String resource = rule.resources().get(i);
        String resourceKey = ruleKey + ".resources[" + i + "]";
        if (resource.isBlank()) {
          problems.add(resourceKey + ": a resource must not be empty");
          continue;
        }
        ResourceIndicator.problem(resource)
            .ifPresent(problem ->
                problems.add(
                    resourceKey
                        + ": \""
                        + resource
                        + "\" "
                        + problem
                        + " (a resource is an absolute URI without a fragment, RFC 8707)"));
      }
    }

    /**
     * @param what how a pinning problem names the condition's owner: {@code rule "name"}, or {@code
     *     the federated credential}
     */
    private List<Conjunct> compileCondition(String ruleKey, String what, RuleConfig rule) {
      String conditionKey = ruleKey + ".condition";
      Optional<CelAbstractSyntaxTree> checked = check(conditionKey, rule.condition(), "condition");
      if (checked.isEmpty()) {
        return List.of();
      }
      CelAbstractSyntaxTree ast = checked.get();
      if (!Shape.BOOL.admits(ast.getResultType())) {
        problems.add(
            conditionKey + ": must be a bool, but its type is " + typeName(ast.getResultType()));
        return List.of();
      }
      List<CelExpr> parts = ConditionAst.conjuncts(ast.getExpr());
      shared.ifPresent(issuer -> {
        if (parts.stream().noneMatch(part -> ConditionAst.pins(part, issuer.tenantClaims()))) {
          problems.add(pinProblem(ruleKey, what, issuer));
        }
      });
      warnMutable(conditionKey, rule, ConditionAst.referencedClaims(ast.getExpr()));
      List<Conjunct> conjuncts = new ArrayList<>(parts.size());
      for (CelExpr part : parts) {
        CelAbstractSyntaxTree partAst =
            CelAbstractSyntaxTree.newCheckedAst(
                part, ast.getSource(), ast.getReferenceMap(), ast.getTypeMap());
        try {
          conjuncts.add(
              new Conjunct(
                  unparse(partAst),
                  CelEnvironment.RUNTIME.createProgram(partAst),
                  List.copyOf(ConditionAst.referencedClaims(part))));
        } catch (CelEvaluationException e) {
          problems.add(conditionKey + ": " + RuleEvaluator.oneLine(e.getMessage()));
        }
      }
      return conjuncts;
    }

    private String unparse(CelAbstractSyntaxTree ast) {
      try {
        return unparser.unparse(ast);
      } catch (RuntimeException e) {
        return "(conjunct " + ast.getExpr().id() + ")";
      }
    }

    private void warnMutable(String conditionKey, RuleConfig rule, Set<String> referenced) {
      if (referenced.stream().anyMatch(MutableClaims.IMMUTABLE::contains)) {
        return;
      }
      List<String> mutable =
          referenced.stream().filter(MutableClaims.MUTABLE::containsKey).toList();
      if (mutable.isEmpty()) {
        return;
      }
      String ids =
          mutable.stream()
              .flatMap(claim -> MutableClaims.MUTABLE.getOrDefault(claim, List.of()).stream())
              .distinct()
              .map(claim -> "claims." + claim)
              .collect(Collectors.joining(", "));
      warnings.add(
          conditionKey
              + ": rule \""
              + rule.name()
              + "\" names the mutable claim"
              + (mutable.size() == 1 ? " " : "s ")
              + mutable.stream().map(claim -> "claims." + claim).collect(Collectors.joining(", "))
              + " but none of the immutable ID claims: an owner, repository or project can be"
              + " renamed or deleted and its name registered again by someone else (GitHub"
              + " recycles names), whose tokens would then match; compare "
              + ids
              + " as well");
    }

    private Optional<CelRuntime.Program> program(
        String exprKey, String source, String wanted, Shape shape) {
      Optional<CelAbstractSyntaxTree> checked = check(exprKey, source, exprKey);
      if (checked.isEmpty()) {
        return Optional.empty();
      }
      CelType type = checked.get().getResultType();
      if (!shape.admits(type)) {
        problems.add(exprKey + ": must be " + wanted + ", but its type is " + typeName(type));
        return Optional.empty();
      }
      try {
        return Optional.of(CelEnvironment.RUNTIME.createProgram(checked.get()));
      } catch (CelEvaluationException e) {
        problems.add(exprKey + ": " + RuleEvaluator.oneLine(e.getMessage()));
        return Optional.empty();
      }
    }

    private Optional<CelAbstractSyntaxTree> check(
        String exprKey, String source, String description) {
      if (source.isBlank()) {
        problems.add(exprKey + ": must not be empty");
        return Optional.empty();
      }
      CelValidationResult result;
      try {
        result = CelEnvironment.COMPILER.compile(source, description);
      } catch (RuntimeException e) {
        problems.add(exprKey + ": CEL could not compile it (" + e.getClass().getSimpleName() + ")");
        return Optional.empty();
      }
      if (result.hasError()) {
        problems.add(exprKey + ": " + issues(result.getErrors()));
        return Optional.empty();
      }
      try {
        return Optional.of(result.getAst());
      } catch (CelValidationException e) {
        problems.add(exprKey + ": " + RuleEvaluator.oneLine(e.getMessage()));
        return Optional.empty();
      }
    }
  }

  private static String issues(List<CelIssue> issues) {
    return issues.stream()
        .map(issue ->
            "CEL "
                + issue.getSourceLocation().getLine()
                + ":"
                + (issue.getSourceLocation().getColumn() + 1)
                + ": "
                + RuleEvaluator.oneLine(issue.getMessage()))
        .collect(Collectors.joining("; "));
  }

  /** {@code string}, {@code list(string)}, {@code map(string, dyn)}. */
  static String typeName(CelType type) {
    String name =
        switch (type.kind()) {
          case LIST -> "list";
          case MAP -> "map";
          case DYN -> "dyn";
          default -> type.name();
        };
    if (type.parameters().isEmpty()) {
      return name;
    }
    return name
        + "("
        + type.parameters().stream().map(TrustCompiler::typeName).collect(Collectors.joining(", "))
        + ")";
  }

  /** The static type an expression must have; {@code dyn} is checked at evaluation instead. */
  private enum Shape {
    BOOL,
    STRING,
    STRINGS,
    JSON;

    boolean admits(CelType type) {
      CelKind kind = type.kind();
      if (kind == CelKind.DYN || kind == CelKind.ANY) {
        return true;
      }
      return switch (this) {
        case BOOL -> kind == CelKind.BOOL;
        case STRING -> kind == CelKind.STRING;
        case STRINGS ->
            kind == CelKind.LIST
                && (type.parameters().isEmpty() || STRING.admits(type.parameters().get(0)));
        case JSON -> json(type);
      };
    }

    private static boolean json(CelType type) {
      return switch (type.kind()) {
        case DYN, ANY, STRING, BOOL, INT, DOUBLE -> true;
        case LIST -> type.parameters().stream().allMatch(Shape::json);
        case MAP ->
            type.parameters().size() == 2
                && (type.parameters().get(0).kind() == CelKind.STRING
                    || type.parameters().get(0).kind() == CelKind.DYN)
                && json(type.parameters().get(1));
        default -> false;
      };
    }
  }
}
