package dev.ferry.config;

import static dev.ferry.config.Fixtures.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.policy.CompiledTrust;
import dev.ferry.policy.RuleConfig;
import dev.ferry.policy.RuleMode;
import dev.ferry.policy.TrustConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ferry's {@code trust} block on a connector and top-level {@code audit} key (issue 8): how they
 * are read, how their type errors are named, how unknown keys inside them follow Dex's rule, and
 * how the compiler's problems and warnings reach the load's result.
 */
class TrustConfigLoadingTest {
  private static final Map<String, String> NO_ENV = Map.of();
  private static final Map<String, String> STRICT =
      Map.of("DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", "true");

  /** The issue's example connector. */
  private static final String GITHUB =
      """
      connectors:
      - type: oidc
        id: github-actions
        name: GitHub Actions
        config:
          issuer: https://token.actions.githubusercontent.com
          scopes: [openid, groups]
          userNameKey: sub
        trust:
          audiences: ["https://ferry.example.com"]
          maxTokenAge: 10m
          singleUse: true
          rules:
          - name: deploy-from-main
            clients: [deployer]
            condition: >-
              claims.repository_owner_id == "1234567" &&
              claims.ref == "refs/heads/main" && claims.event_name == "push"
            username: 'claims.repository'
            groups: '["deployers", "repo:" + claims.repository]'
            claims:
              repository: claims.repository
              environment: 'has(claims.environment) ? claims.environment : ""'
              actor: claims.actor
            expiry: 15m
            mode: enforce
          - name: watch
            condition: claims.repository_owner_id == "1234567"
            mode: audit
      """;

  /** A connector with a trust block whose second rule is {@code rule}, a flow mapping. */
  private static String withRule(String rule) {
    return MINIMAL
        + """
        connectors:
        - type: oidc
          id: ci
          name: CI
          config: {issuer: https://ci.example.com}
          trust:
            rules:
            - {name: first, condition: 'true'}
            - %s
        """
            .formatted(rule);
  }

  /** A connector whose trust block holds {@code trust}'s lines. */
  private static String withTrust(String trust) {
    return MINIMAL
        + """
        connectors:
        - type: oidc
          id: ci
          name: CI
          config: {issuer: https://ci.example.com}
          trust:
        """
        + trust.indent(4);
  }

  /**
   * Loads with a stand-in for the policy package's compiler that accepts every block, so that these
   * tests judge the reading alone, whatever the compiler thinks of the expressions.
   */
  private static FerryConfig parse(String yaml) throws ConfigException {
    return parse(yaml, NO_ENV);
  }

  private static FerryConfig parse(String yaml, Map<String, String> env) throws ConfigException {
    return load(yaml, env, new RecordingChecks(List.of(), List.of()));
  }

  private static List<Problem> problems(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the load to fail");
  }

  private static List<Problem> problems(String yaml) {
    return problems(yaml, NO_ENV);
  }

  private static Arguments bad(String yaml, Map<String, String> env, String key, String message) {
    return Arguments.of(key + ": " + message, yaml, env, new Problem(key, message));
  }

  static Stream<Arguments> typeErrors() {
    String rule = "connectors[0].trust.rules[1].";
    return Stream.of(
        bad(
            MINIMAL + "connectors:\n- {type: oidc, id: ci, name: CI, config: {}, trust: all}\n",
            NO_ENV,
            "connectors[0].trust",
            "expected a mapping, got a string"),
        bad(
            withTrust("audiences: https://ferry.example.com"),
            NO_ENV,
            "connectors[0].trust.audiences",
            "expected a list, got a string"),
        bad(
            withTrust("audiences: [[a]]"),
            NO_ENV,
            "connectors[0].trust.audiences[0]",
            "expected a string, got a list"),
        bad(
            withTrust("maxTokenAge: 1d"),
            NO_ENV,
            "connectors[0].trust.maxTokenAge",
            "time: unknown unit \"d\" in duration \"1d\""),
        bad(
            withTrust("maxTokenAge: 600"),
            NO_ENV,
            "connectors[0].trust.maxTokenAge",
            "time: missing unit in duration \"600\""),
        bad(
            withTrust("maxTokenAge: {minutes: 10}"),
            NO_ENV,
            "connectors[0].trust.maxTokenAge",
            "expected a Go duration such as 90s, 10m or 1h30m, got a mapping"),
        bad(
            withTrust("singleUse: maybe"),
            NO_ENV,
            "connectors[0].trust.singleUse",
            "expected true or false, got a string that is not one"),
        bad(
            withTrust("singleUse: [true]"),
            NO_ENV,
            "connectors[0].trust.singleUse",
            "expected true or false, got a list"),
        bad(
            withTrust("rules: {name: a}"),
            NO_ENV,
            "connectors[0].trust.rules",
            "expected a list, got a mapping"),
        bad(
            withTrust("rules: [deploy]"),
            NO_ENV,
            "connectors[0].trust.rules[0]",
            "expected a mapping, got a string"),
        bad(withRule("{name: [a]}"), NO_ENV, rule + "name", "expected a string, got a list"),
        bad(
            withRule("{clients: deployer}"),
            NO_ENV,
            rule + "clients",
            "expected a list, got a string"),
        bad(
            withRule("{clients: [{id: a}]}"),
            NO_ENV,
            rule + "clients[0]",
            "expected a string, got a mapping"),
        bad(
            withRule("{condition: {a: b}}"),
            NO_ENV,
            rule + "condition",
            "expected a string, got a mapping"),
        bad(
            withRule("{username: [a]}"),
            NO_ENV,
            rule + "username",
            "expected a string, got a list"),
        bad(withRule("{groups: [a, b]}"), NO_ENV, rule + "groups", "expected a string, got a list"),
        bad(withRule("{claims: [a]}"), NO_ENV, rule + "claims", "expected a mapping, got a list"),
        bad(
            withRule("{claims: {repo: [a]}}"),
            NO_ENV,
            rule + "claims.repo",
            "expected a string, got a list"),
        bad(
            withRule("{expiry: 1d}"),
            NO_ENV,
            rule + "expiry",
            "time: unknown unit \"d\" in duration \"1d\""),
        bad(
            withRule("{expiry: 15x}"),
            NO_ENV,
            rule + "expiry",
            "time: unknown unit \"x\" in duration \"15x\""),
        bad(
            withRule("{mode: enforcing}"),
            NO_ENV,
            rule + "mode",
            "unknown mode \"enforcing\", expected enforce or audit"),
        bad(
            withRule("{mode: Audit}"),
            NO_ENV,
            rule + "mode",
            "unknown mode \"Audit\", expected enforce or audit"),
        bad(
            withRule("{mode: [audit]}"),
            NO_ENV,
            rule + "mode",
            "expected enforce or audit, got a list"),
        bad(
            withRule("{audiences: billing}"),
            NO_ENV,
            rule + "audiences",
            "expected a list, got a string"),
        bad(
            withRule("{resources: 'https://api.example.com'}"),
            NO_ENV,
            rule + "resources",
            "expected a list, got a string"),
        bad(
            withRule("{resources: [{uri: a}]}"),
            NO_ENV,
            rule + "resources[0]",
            "expected a string, got a mapping"),
        bad(MINIMAL + "audit: audit.log\n", NO_ENV, "audit", "expected a mapping, got a string"),
        bad(
            MINIMAL + "audit: {path: [a.log]}\n",
            NO_ENV,
            "audit.path",
            "expected a string, got a list"),
        // Unknown keys inside Ferry's blocks follow Dex's rule for unknown keys.
        bad(
            withTrust("audience: [a]"),
            STRICT,
            "connectors[0].trust.audience",
            "unknown field \"audience\""),
        bad(
            withRule("{conditon: 'true'}"),
            STRICT,
            rule + "conditon",
            "unknown field \"conditon\""),
        bad(
            withRule("{resource: ['https://api.example.com']}"),
            STRICT,
            rule + "resource",
            "unknown field \"resource\""),
        bad(MINIMAL + "audit: {file: a.log}\n", STRICT, "audit.file", "unknown field \"file\""),
        // A list value of an unknown key once put a bogus index in its path.
        bad(MINIMAL + "connectorz: [a]\n", STRICT, "connectorz", "unknown field \"connectorz\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typeErrors")
  void reportsTheProblemAtItsExactKey(
      String name, String yaml, Map<String, String> env, Problem expected) {
    assertThat(problems(yaml, env)).containsExactly(expected);
  }

  @Test
  void readsTheIssuesExample() throws Exception {
    FerryConfig config = parse(MINIMAL + GITHUB);

    Map<String, String> claims = new LinkedHashMap<>();
    claims.put("repository", "claims.repository");
    claims.put("environment", "has(claims.environment) ? claims.environment : \"\"");
    claims.put("actor", "claims.actor");
    TrustConfig expected =
        new TrustConfig(
            List.of("https://ferry.example.com"),
            Optional.of(Duration.ofMinutes(10)),
            true,
            List.of(
                new RuleConfig(
                    "deploy-from-main",
                    Optional.of(List.of("deployer")),
                    "claims.repository_owner_id == \"1234567\" && "
                        + "claims.ref == \"refs/heads/main\" && claims.event_name == \"push\"",
                    Optional.of("claims.repository"),
                    Optional.of("[\"deployers\", \"repo:\" + claims.repository]"),
                    claims,
                    Optional.of(Duration.ofMinutes(15)),
                    RuleMode.ENFORCE),
                new RuleConfig(
                    "watch",
                    Optional.empty(),
                    "claims.repository_owner_id == \"1234567\"",
                    Optional.empty(),
                    Optional.empty(),
                    Map.of(),
                    Optional.empty(),
                    RuleMode.AUDIT)));
    TrustConfig trust = config.connectors().get(0).trust().orElseThrow();
    assertThat(trust).isEqualTo(expected);
    // Claims keep the file's order: it is the order they are evaluated and reported in.
    assertThat(trust.rules().get(0).claims().keySet())
        .containsExactly("repository", "environment", "actor");
  }

  @Test
  void aRuleReadsItsAudiencesAndResourcesInFileOrder() throws Exception {
    RuleConfig rule =
        parse(
                withRule(
                    "{name: r, condition: 'true', audiences: [billing, 'https://aud.example'],"
                        + " resources: ['https://api.example.com/v1', 'urn:example:ledger']}"))
            .connectors()
            .get(0)
            .trust()
            .orElseThrow()
            .rules()
            .get(1);

    assertThat(rule.audiences()).containsExactly("billing", "https://aud.example");
    assertThat(rule.resources())
        .containsExactly("https://api.example.com/v1", "urn:example:ledger");
    assertThat(parse(withRule("{name: r, condition: 'true'}")).connectors().get(0).trust())
        .hasValueSatisfying(trust -> {
          assertThat(trust.rules().get(1).audiences()).isEmpty();
          assertThat(trust.rules().get(1).resources()).isEmpty();
        });
  }

  /** The policy compiler judges the values; its problems name the exact key. */
  @Test
  void badTargetsAreConfigProblemsAtTheirExactKey() {
    List<Problem> problems =
        Fixtures.problems(
            withRule(
                "{name: r, condition: 'true', audiences: [billing, ''], resources:"
                    + " ['https://api.example.com/v1', api, 'https://api.example.com/v1#top', '']}"));

    String uri = " (a resource is an absolute URI without a fragment, RFC 8707)";
    assertThat(problems)
        .containsExactly(
            new Problem(
                "connectors[0].trust.rules[1].audiences[1]", "an audience must not be empty"),
            new Problem(
                "connectors[0].trust.rules[1].resources[1]",
                "\"api\" is not an absolute URI" + uri),
            new Problem(
                "connectors[0].trust.rules[1].resources[2]",
                "\"https://api.example.com/v1#top\" must not contain a fragment" + uri),
            new Problem(
                "connectors[0].trust.rules[1].resources[3]", "a resource must not be empty"));
  }

  @Test
  void anAbsentTrustKeyIsAbsentAndAnEmptyBlockIsPresent() throws Exception {
    FerryConfig config =
        parse(
            MINIMAL
                + """
                connectors:
                - {type: mockCallback, id: plain, name: Plain}
                - {type: mockCallback, id: nulled, name: Nulled, trust: }
                - {type: mockCallback, id: empty, name: Empty, trust: {}}
                """);

    assertThat(config.connectors().get(0).trust()).isEmpty();
    assertThat(config.connectors().get(1).trust()).isEmpty();
    assertThat(config.connectors().get(2).trust())
        .contains(new TrustConfig(List.of(), Optional.empty(), false, List.of()));
  }

  @Test
  void aRuleTakesItsDefaults() throws Exception {
    RuleConfig rule =
        parse(withTrust("rules:\n- {name: r, clients: [], username: ''}"))
            .connectors()
            .get(0)
            .trust()
            .orElseThrow()
            .rules()
            .get(0);

    assertThat(rule.mode()).isEqualTo(RuleMode.ENFORCE);
    // [] is kept apart from an absent list: the compiler refuses it (it would admit no client).
    assertThat(rule.clients()).contains(List.of());
    assertThat(rule.username()).isEmpty();
    assertThat(rule.groups()).isEmpty();
    assertThat(rule.expiry()).isEmpty();
    assertThat(rule.claims()).isEmpty();
    assertThat(rule.condition()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "True", "TRUE"})
  void singleUseIsABooleanAsDexsOtherBooleanKeysAre(String value) throws Exception {
    assertThat(
            parse(withTrust("singleUse: " + value))
                .connectors()
                .get(0)
                .trust()
                .orElseThrow()
                .singleUse())
        .isTrue();
  }

  @Test
  void reportsEveryTrustProblemAtOnceWithTheOthers() {
    List<Problem> problems =
        problems(
            """
            issuer: https://dex.example.com
            storage: {type: memory}
            web: {http: 127.0.0.1:5556}
            expiry: {idTokens: 1d}
            connectors:
            - type: oidc
              id: ci
              name: CI
              config: {issuer: https://ci.example.com}
              trust:
                maxTokenAge: 1y
                rules:
                - {name: a, condition: 'true', mode: dry-run}
                - {name: b, condition: 'true', expiry: soon}
            - type: oidc
              id: ci
              name: CI again
              config: {issuer: https://ci.example.com}
              trust: {audiences: x}
            """);

    assertThat(problems)
        .containsExactly(
            new Problem("expiry.idTokens", "time: unknown unit \"d\" in duration \"1d\""),
            new Problem(
                "connectors[0].trust.maxTokenAge", "time: unknown unit \"y\" in duration \"1y\""),
            new Problem(
                "connectors[0].trust.rules[0].mode",
                "unknown mode \"dry-run\", expected enforce or audit"),
            new Problem("connectors[0].trust.rules[1].expiry", "time: invalid duration \"soon\""),
            new Problem("connectors[1].trust.audiences", "expected a list, got a string"),
            new Problem("connectors[1].id", "duplicate connector ID \"ci\""));
  }

  @Test
  void unknownKeysInsideTrustAreIgnoredByDefault() throws Exception {
    TrustConfig trust =
        parse(
                withTrust(
                    """
                    audience: [typo]
                    future: {a: 1}
                    singleUse: true
                    rules:
                    - {name: r, condition: 'true', conditon: 'false', priority: 1}
                    """))
            .connectors()
            .get(0)
            .trust()
            .orElseThrow();

    assertThat(trust.audiences()).isEmpty();
    assertThat(trust.singleUse()).isTrue();
    assertThat(trust.rules()).extracting(RuleConfig::condition).containsExactly("true");
  }

  @Test
  void strictModeAcceptsTrustAndAuditThemselves() throws Exception {
    FerryConfig config = parse(MINIMAL + GITHUB + "audit: {path: /var/log/audit.jsonl}\n", STRICT);

    assertThat(config.connectors().get(0).trust()).isPresent();
    assertThat(config.audit()).isEqualTo(new AuditConfig(Optional.of("/var/log/audit.jsonl")));
  }

  @Test
  void strictModeReportsEveryUnknownKeyInsideTrust() {
    assertThat(
            problems(
                withTrust(
                    """
                    audience: [typo]
                    rules:
                    - {name: r, condition: 'true', conditon: 'false'}
                    - {name: s, condition: 'true', claim: {a: b}}
                    """),
                STRICT))
        .containsExactlyInAnyOrder(
            new Problem("connectors[0].trust.audience", "unknown field \"audience\""),
            new Problem("connectors[0].trust.rules[0].conditon", "unknown field \"conditon\""),
            new Problem("connectors[0].trust.rules[1].claim", "unknown field \"claim\""));
  }

  @Test
  void keysInsideTrustMatchCaseInsensitivelyAsDexsKeysDo() throws Exception {
    TrustConfig trust =
        parse(withTrust("MaxTokenAge: 5m\nRules:\n- {Name: r, Condition: 'true'}"), STRICT)
            .connectors()
            .get(0)
            .trust()
            .orElseThrow();

    assertThat(trust.maxTokenAge()).contains(Duration.ofMinutes(5));
    assertThat(trust.rules()).extracting(RuleConfig::name).containsExactly("r");
  }

  @Test
  void aDexConfigWithoutTrustLoadsAsBefore() throws Exception {
    FerryConfig config =
        parse(MINIMAL + "connectors:\n- {type: mockCallback, id: m, name: M}\n", STRICT);

    assertThat(config.connectors())
        .extracting(ConnectorConfig::trust)
        .containsExactly(Optional.empty());
    assertThat(config.audit()).isEqualTo(AuditConfig.toLog());
  }

  @Test
  void auditPathIsReadAsWritten() throws Exception {
    assertThat(parse(MINIMAL).audit()).isEqualTo(AuditConfig.toLog());
    assertThat(parse(MINIMAL + "audit: {}\n").audit()).isEqualTo(AuditConfig.toLog());
    assertThat(parse(MINIMAL + "audit: {path: ''}\n").audit()).isEqualTo(AuditConfig.toLog());
    assertThat(parse(MINIMAL + "audit:\n  path: /var/log/ferry/audit.jsonl\n").audit())
        .isEqualTo(new AuditConfig(Optional.of("/var/log/ferry/audit.jsonl")));
    // Dex expands $VAR only inside config blocks; audit is outside them.
    assertThat(parse(MINIMAL + "audit: {path: $LOGS/audit.jsonl}\n", Map.of("LOGS", "/x")).audit())
        .isEqualTo(new AuditConfig(Optional.of("$LOGS/audit.jsonl")));
  }

  // --- The compiler's part, through the TrustChecks seam ---

  /** Records every call and answers with the problems and warnings it was given. */
  private static final class RecordingChecks implements TrustChecks {
    final List<String> calls = new ArrayList<>();
    final List<String> problems;
    final List<String> warnings;

    RecordingChecks(List<String> problems, List<String> warnings) {
      this.problems = problems;
      this.warnings = warnings;
    }

    @Override
    public CompiledTrust compile(String key, Optional<String> upstreamIssuer, TrustConfig trust) {
      calls.add("compile " + key + " " + upstreamIssuer + " rules=" + trust.rules().size());
      return new CompiledTrust(Optional.empty(), problems, warnings);
    }

    @Override
    public Optional<String> unprotectedIssuerWarning(
        String key, String connectorId, Optional<String> upstreamIssuer, List<String> clientIds) {
      calls.add("unprotected " + key + " " + connectorId + " " + upstreamIssuer + " " + clientIds);
      return Optional.of(key + ": unprotected " + connectorId);
    }
  }

  private static FerryConfig load(String yaml, Map<String, String> env, TrustChecks checks)
      throws ConfigException {
    return new ConfigLoader(env, dev.ferry.connector.ConnectorRegistry.DEX_TYPES, checks)
        .parse(yaml, Path.of(Fixtures.FILE), ListenOverrides.NONE);
  }

  private static final String THREE_CONNECTORS =
      MINIMAL
          + """
          connectors:
          - type: oidc
            id: gha
            name: GitHub Actions
            config: {issuer: $GHA_ISSUER}
            trust:
              rules:
              - {name: r, condition: 'true'}
          - type: oidc
            id: gitlab-ci
            name: GitLab CI
            config: {issuer: https://gitlab.com}
          - type: gitlab
            id: gitlab-api
            name: GitLab
            config: {baseURL: https://gitlab.com}
          staticClients:
          - {id: deployer, name: Deployer, secret: s}
          - {id: gitlab-only, name: GitLab only, secret: s, allowedConnectors: [gitlab-ci]}
          - {id: gha-only, name: GHA only, secret: s, allowedConnectors: [gha]}
          """;

  @Test
  void compilesEachTrustBlockAndAsksForTheWarningOfEachConnectorWithout() throws Exception {
    RecordingChecks checks =
        new RecordingChecks(List.of(), List.of("connectors[0].trust.rules[0].condition: mutable"));

    FerryConfig config =
        load(
            THREE_CONNECTORS,
            Map.of("GHA_ISSUER", "https://token.actions.githubusercontent.com"),
            checks);

    assertThat(checks.calls)
        .containsExactly(
            "compile connectors[0].trust Optional[https://token.actions.githubusercontent.com]"
                + " rules=1",
            "unprotected connectors[1] gitlab-ci Optional[https://gitlab.com]"
                + " [deployer, gitlab-only]",
            // gitlab's baseURL names an API, not the issuer of the tokens it checks.
            "unprotected connectors[2] gitlab-api Optional.empty [deployer]");
    assertThat(config.warnings())
        .containsExactly(
            "connectors[0].trust.rules[0].condition: mutable",
            "connectors[1]: unprotected gitlab-ci",
            "connectors[2]: unprotected gitlab-api");
  }

  @Test
  void theCompilersProblemsAreConfigProblemsWithTheOthers() {
    RecordingChecks checks =
        new RecordingChecks(
            List.of(
                "connectors[0].trust.rules[0].condition: found no matching overload",
                "connectors[0].trust: a message without a key of its own"),
            List.of());

    List<Problem> problems = problemsOf(THREE_CONNECTORS + "expiry: {idTokens: 0s}\n", checks);

    assertThat(problems)
        .containsExactly(
            new Problem("expiry.idTokens", "must be a positive duration"),
            new Problem("connectors[0].trust.rules[0].condition", "found no matching overload"),
            new Problem("connectors[0].trust", "a message without a key of its own"));
  }

  @Test
  void aCompilerProblemAboutAValueBindingAlreadyRejectedIsNotRepeated() {
    RecordingChecks checks =
        new RecordingChecks(
            List.of(
                "connectors[0].trust.rules[0].condition: a condition is required",
                "connectors[0].trust.rules[0].name: a name is required",
                "connectors[0].trust.rules[1].name: a name is required"),
            List.of());

    List<Problem> problems =
        problemsOf(
            withTrust("rules:\n- {name: [a], condition: [b]}\n- {condition: 'true'}"), checks);

    assertThat(problems)
        .containsExactly(
            new Problem("connectors[0].trust.rules[0].name", "expected a string, got a list"),
            new Problem("connectors[0].trust.rules[0].condition", "expected a string, got a list"),
            new Problem("connectors[0].trust.rules[1].name", "a name is required"));
  }

  @Test
  void aProblemOfTheConnectorItselfDoesNotHideTheCompilersProblems() {
    RecordingChecks checks =
        new RecordingChecks(List.of("connectors[0].trust.rules[0].condition: bad"), List.of());

    List<Problem> problems =
        problemsOf(
            MINIMAL
                + "connectors:\n- {type: oidc, id: ci, config: {}, trust: {rules: [{name: r}]}}\n",
            checks);

    assertThat(problems)
        .containsExactly(
            new Problem("connectors[0]", "ID, Type and Name fields are required for a connector"),
            new Problem("connectors[0].trust.rules[0].condition", "bad"));
  }

  /**
   * The default loader runs the policy package's compiler. DEPENDS ON THE POLICY BRANCH: the real
   * compiler must accept the issue's own example (it pins the owner id).
   */
  @Test
  void thePolicyCompilerIsWhatLoadingUsesByDefault() throws Exception {
    assertThat(Fixtures.load(MINIMAL + GITHUB).connectors().get(0).trust()).isPresent();
  }

  private static List<Problem> problemsOf(String yaml, TrustChecks checks) {
    try {
      load(yaml, Map.of("GHA_ISSUER", "https://token.actions.githubusercontent.com"), checks);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the load to fail");
  }
}
