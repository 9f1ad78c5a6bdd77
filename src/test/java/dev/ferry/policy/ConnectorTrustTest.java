package dev.ferry.policy;

import static dev.ferry.policy.Rules.GITHUB;
import static dev.ferry.policy.Rules.NOW;
import static dev.ferry.policy.Rules.compile;
import static dev.ferry.policy.Rules.compiled;
import static dev.ferry.policy.Rules.input;
import static dev.ferry.policy.Rules.rule;
import static dev.ferry.policy.Rules.trust;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.SubjectToken;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectorTrustTest {
  private static final Map<String, Object> MAIN =
      Map.of(
          "repository_owner_id", "1234",
          "repository", "octo-org/app",
          "ref", "refs/heads/main",
          "event_name", "push");

  private static List<String> results(TrustEvaluation evaluation) {
    return evaluation.rules().stream()
        .map(outcome -> outcome.name() + "=" + outcome.result().wireName())
        .toList();
  }

  @Test
  void theFirstMatchingEnforceRuleDecidesAndEveryRuleIsReported() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("other-owner", "claims.repository_owner_id == '9'"),
                rule(
                        "main",
                        "claims.repository_owner_id == '1234' && claims.ref == 'refs/heads/main'")
                    .username("claims.repository"),
                rule("also-main", "claims.ref == 'refs/heads/main'").username("'second'")));

    TrustEvaluation evaluation = trust.evaluate(input("my-app", MAIN), NOW);

    assertThat(results(evaluation))
        .containsExactly("other-owner=no_match", "main=match", "also-main=match");
    assertThat(evaluation.decidingRule()).hasValue("main");
    assertThat(evaluation.allowed()).isTrue();
    assertThat(evaluation.shaping().username()).hasValue("octo-org/app");
    assertThat(evaluation.rules().get(0).reason())
        .hasValue(
            "claims.repository_owner_id == \"9\" was false (claims.repository_owner_id = \"1234\")");
  }

  @Test
  void theFirstFalseConjunctIsTheReasonWithTheClaimValuesItSaw() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule(
                    "deploy",
                    "claims.repository_owner_id == '1234' && claims.ref == 'refs/heads/main' &&"
                        + " claims.environment == 'prod'")));

    TrustEvaluation evaluation =
        trust.evaluate(
            input("my-app", Map.of("repository_owner_id", "1234", "ref", "refs/heads/dev")), NOW);

    assertThat(evaluation.allowed()).isFalse();
    assertThat(evaluation.decidingRule()).isEmpty();
    assertThat(evaluation.rules())
        .containsExactly(
            new RuleOutcome(
                "deploy",
                RuleMode.ENFORCE,
                RuleResult.NO_MATCH,
                Optional.of(
                    "claims.ref == \"refs/heads/main\" was false (claims.ref = \"refs/heads/dev\")")));
  }

  @Test
  void aMissingClaimIsAnErrorNeverAnException() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("env", "claims.environment == 'prod'"),
                rule("guarded", "has(claims.environment) && claims.environment == 'prod'")));

    TrustEvaluation evaluation = trust.evaluate(input("my-app", MAIN), NOW);

    assertThat(results(evaluation)).containsExactly("env=error", "guarded=no_match");
    assertThat(evaluation.rules().get(0).reason().orElseThrow())
        .startsWith("claims.environment == \"prod\": ")
        .contains("key 'environment' is not present in map");
    assertThat(evaluation.rules().get(1).reason())
        .hasValue("has(claims.environment) was false (claims.environment absent)");
    assertThat(evaluation.allowed()).isFalse();
  }

  @Test
  void aClaimNameThatIsNoIdentifierIsShownIndexed() {
    ConnectorTrust trust =
        compiled(trust(rule("k8s", "claims['kubernetes.io'].namespace == 'ci'")));

    TrustEvaluation evaluation =
        trust.evaluate(input("c", Map.of("kubernetes.io", Map.of("namespace", "default"))), NOW);

    assertThat(evaluation.rules().get(0).reason())
        .hasValue(
            "claims[\"kubernetes.io\"].namespace == \"ci\" was false"
                + " (claims[\"kubernetes.io\"] = {\"namespace\": \"default\"})");
  }

  @Test
  void rulesForOtherClientsAreNotEvaluated() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("deployer-only", "claims.nope == 'x'").clients("deployer"),
                rule("any", "claims.ref == 'refs/heads/main'")));

    TrustEvaluation evaluation = trust.evaluate(input("my-app", MAIN), NOW);

    assertThat(results(evaluation)).containsExactly("deployer-only=not_for_client", "any=match");
    assertThat(evaluation.rules().get(0).reason()).isEmpty();
    assertThat(evaluation.decidingRule()).hasValue("any");
  }

  @Test
  void auditRulesAreEvaluatedButNeverDecide() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("audit-match", "true").audit().username("'audit'"),
                rule("enforce-no", "claims.ref == 'refs/heads/dev'"),
                rule("audit-error", "claims.missing == 1").audit()));

    TrustEvaluation evaluation = trust.evaluate(input("my-app", MAIN), NOW);

    assertThat(results(evaluation))
        .containsExactly("audit-match=match", "enforce-no=no_match", "audit-error=error");
    assertThat(evaluation.allowed()).isFalse();
    assertThat(evaluation.decidingRule()).isEmpty();
    assertThat(evaluation.shaping().username()).isEmpty();
  }

  @Test
  void onlyAuditRulesAllowAsWithoutRulesButStillCapTheLifetime() {
    ConnectorTrust trust = compiled(trust(rule("watch", "claims.ref == 'x'").audit()));

    TrustEvaluation evaluation = trust.evaluate(input("my-app", MAIN), NOW);

    assertThat(evaluation.allowed()).isTrue();
    assertThat(evaluation.decidingRule()).isEmpty();
    assertThat(evaluation.shaping())
        .isEqualTo(
            new TokenShaping(
                Optional.empty(), Optional.empty(), Map.of(), Optional.of(NOW.plusSeconds(3600))));
  }

  @Test
  void onlyTheDecidingRulesAudiencesAndResourcesReachTheShaping() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("audit-first", "true").audit().audiences("audit-aud").resources("urn:audit"),
                rule("not-for-me", "true").clients("other").resources("urn:other"),
                rule("deploy", "true")
                    .audiences("billing", "https://aud.example")
                    .resources("https://api.example.com/v1", "urn:example:ledger"),
                rule("later", "true").audiences("later-aud")));

    TokenShaping shaping = trust.evaluate(input("my-app", MAIN), NOW).shaping();

    assertThat(shaping.audiences()).containsExactly("billing", "https://aud.example");
    assertThat(shaping.resources())
        .containsExactly("https://api.example.com/v1", "urn:example:ledger");
  }

  @Test
  void withoutADecidingRuleNoTargetIsAllowedByTheRules() {
    ConnectorTrust trust =
        compiled(trust(rule("watch", "true").audit().audiences("a").resources("urn:a")));

    TokenShaping shaping = trust.evaluate(input("my-app", MAIN), NOW).shaping();

    assertThat(shaping.audiences()).isEmpty();
    assertThat(shaping.resources()).isEmpty();
  }

  @Test
  void noRulesAtAllAllows() {
    TrustEvaluation evaluation = compiled(trust()).evaluate(input("my-app", MAIN), NOW);

    assertThat(evaluation.allowed()).isTrue();
    assertThat(evaluation.rules()).isEmpty();
  }

  static Stream<Arguments> lifetime() {
    return Stream.of(
        Arguments.of(
            Optional.of(Duration.ofMinutes(15)),
            Optional.of(NOW.plusSeconds(3600)),
            NOW.plusSeconds(900)),
        Arguments.of(
            Optional.of(Duration.ofHours(2)),
            Optional.of(NOW.plusSeconds(3600)),
            NOW.plusSeconds(3600)),
        Arguments.of(Optional.empty(), Optional.of(NOW.plusSeconds(3600)), NOW.plusSeconds(3600)),
        Arguments.of(Optional.of(Duration.ofMinutes(15)), Optional.empty(), NOW.plusSeconds(900)));
  }

  @ParameterizedTest(name = "expiry {0}, exp {1}: {2}")
  @MethodSource
  void lifetime(Optional<Duration> expiry, Optional<Instant> exp, Instant notAfter) {
    Rules.Rule rule = rule("r", "true");
    expiry.ifPresent(rule::expiry);
    SubjectToken token =
        new SubjectToken("t", "https://issuer", List.of(), Optional.empty(), exp, Optional.empty());

    TrustEvaluation evaluation =
        compiled(trust(rule)).evaluate(new TrustInput("c", List.of(), MAIN, token), NOW);

    assertThat(evaluation.shaping().notAfter()).hasValue(notAfter);
  }

  static Stream<Arguments> mappings() {
    return Stream.of(
        Arguments.of("'s'", "s"),
        Arguments.of("42", 42L),
        Arguments.of("claims.small", 7L),
        Arguments.of("claims.big", 12345678901L),
        Arguments.of("claims.decimal", 2.5),
        Arguments.of("claims.whole_decimal", 3L),
        Arguments.of("1.5", 1.5),
        Arguments.of("true", true),
        Arguments.of("[1, 'a', [false]]", List.of(1L, "a", List.of(false))),
        Arguments.of("{'k': claims.nested}", Map.of("k", Map.of("list", List.of(1L, 2L)))),
        Arguments.of("claims.nested.list.map(x, x * 2)", List.of(2L, 4L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void mappings(String source, Object expected) {
    ConnectorTrust trust = compiled(trust(rule("r", "true").claim("x", source)));
    Map<String, Object> claims =
        Map.of(
            "small",
            7,
            "big",
            BigInteger.valueOf(12345678901L),
            "decimal",
            new BigDecimal("2.5"),
            "whole_decimal",
            new BigDecimal("3.0"),
            "nested",
            Map.of("list", List.of(1, 2)));

    TrustEvaluation evaluation = trust.evaluate(input("c", claims), NOW);

    assertThat(evaluation.rules().get(0).result()).isEqualTo(RuleResult.MATCH);
    assertThat(evaluation.shaping().claims()).containsExactly(Map.entry("x", expected));
  }

  static Stream<Arguments> mappingErrors() {
    return Stream.of(
        Arguments.of(
            "claim", "[claims.ref, b'abc']", "claims.x: a value of type bytes is not JSON"),
        Arguments.of(
            "claim",
            "[claims.ref, timestamp('2020-01-01T00:00:00Z')]",
            "claims.x: a value of type timestamp is not JSON"),
        Arguments.of(
            "claim",
            "{'a': [claims.ref, duration('1s')]}",
            "claims.x: a value of type duration is not JSON"),
        Arguments.of("claim", "[claims.ref, type(1)]", "claims.x: a value of type"),
        Arguments.of("claim", "[claims.ref, null]", "claims.x: a value of type null is not JSON"),
        Arguments.of("claim", "claims.missing", "claims.x: evaluation error"),
        Arguments.of("username", "claims.count", "username: evaluated to int, not string"),
        Arguments.of("groups", "claims.list", "groups: an element is int, not string"),
        Arguments.of("groups", "claims.ref", "groups: evaluated to string, not list(string)"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource
  void mappingErrors(String what, String source, String reason) {
    Rules.Rule failing = rule("failing", "true");
    switch (what) {
      case "claim" -> failing.claim("x", source);
      case "username" -> failing.username(source);
      default -> failing.groups(source);
    }
    ConnectorTrust trust = compiled(trust(failing, rule("next", "true").username("'next'")));

    TrustEvaluation evaluation =
        trust.evaluate(
            input("c", Map.of("ref", "refs/heads/main", "count", 3, "list", List.of(1))), NOW);

    assertThat(results(evaluation)).containsExactly("failing=error", "next=match");
    assertThat(evaluation.rules().get(0).reason().orElseThrow()).startsWith(reason);
    assertThat(evaluation.decidingRule()).hasValue("next");
    assertThat(evaluation.shaping().username()).hasValue("next");
  }

  @Test
  void theDecidingRulesMappingsShapeTheToken() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("r", "claims.repository_owner_id == '1234'")
                    .username("claims.repository")
                    .groups("['deployers', 'repo:' + claims.repository]")
                    .claim("repository", "claims.repository")
                    .claim("environment", "has(claims.environment) ? claims.environment : ''")));

    TokenShaping shaping = trust.evaluate(input("c", MAIN), NOW).shaping();

    assertThat(shaping.username()).hasValue("octo-org/app");
    assertThat(shaping.groups()).hasValue(List.of("deployers", "repo:octo-org/app"));
    assertThat(shaping.claims())
        .containsExactly(Map.entry("repository", "octo-org/app"), Map.entry("environment", ""));
  }

  static Stream<Arguments> oddlyTypedClaims() {
    return Stream.of(
        Arguments.of("claims.ref == 'refs/heads/main'", Map.of("ref", 5), "no_match"),
        Arguments.of("claims.ref.startsWith('refs/')", Map.of("ref", 5), "error"),
        Arguments.of("claims.ref.startsWith('refs/')", Map.of("ref", List.of("a")), "error"),
        Arguments.of("claims.n > 3", Map.of("n", 4), "match"),
        Arguments.of("claims.n > 3", Map.of("n", 4.5), "match"),
        Arguments.of("claims.n > 3", Map.of("n", "4"), "error"),
        Arguments.of("claims.flag", Map.of("flag", "true"), "error"),
        Arguments.of("claims.flag", Map.of("flag", true), "match"),
        Arguments.of("'x' in claims.groups", Map.of("groups", "x"), "error"),
        Arguments.of("claims.k8s.namespace == 'ci'", Map.of("k8s", List.of()), "error"),
        Arguments.of(
            "claims['kubernetes.io'].namespace == 'ci'",
            Map.of("kubernetes.io", Map.of("namespace", "ci")),
            "match"));
  }

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @MethodSource
  void oddlyTypedClaims(String condition, Map<String, Object> claims, String result) {
    TrustEvaluation evaluation =
        compiled(trust(rule("r", condition))).evaluate(input("c", claims), NOW);

    assertThat(evaluation.rules().get(0).result().wireName()).isEqualTo(result);
  }

  @Test
  void aHugeListIsRefusedByTheValueLimitBeforeAnyRuleRuns() {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("r", "'admins' in claims.groups"),
                rule("other", "true").clients("someone-else")));
    Map<String, Object> claims =
        Map.of("groups", Collections.nCopies(CelValues.MAX_VALUES + 1, "g"));

    long started = System.nanoTime();
    TrustEvaluation evaluation = trust.evaluate(input("c", claims), NOW);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(results(evaluation)).containsExactly("r=error", "other=not_for_client");
    assertThat(evaluation.rules().get(0).reason())
        .hasValue("the subject token's claims have more than 10000 values, the evaluation limit");
    assertThat(evaluation.allowed()).isFalse();
  }

  @Test
  void nestedComprehensionsHitTheIterationLimit() {
    ConnectorTrust trust =
        compiled(trust(rule("r", "claims.a.all(x, claims.a.all(y, x == y || x != y))")));
    Map<String, Object> claims = Map.of("a", Collections.nCopies(1_000, "g"));

    TrustEvaluation evaluation = trust.evaluate(input("c", claims), NOW);

    assertThat(evaluation.rules().get(0).result()).isEqualTo(RuleResult.ERROR);
    assertThat(evaluation.rules().get(0).reason().orElseThrow())
        .contains("Iteration budget exceeded: 10000");
  }

  @Test
  void deeplyNestedClaimsAreRefused() {
    Object nested = "leaf";
    for (int i = 0; i < 40; i++) {
      nested = List.of(nested);
    }
    TrustEvaluation evaluation =
        compiled(trust(rule("r", "true"))).evaluate(input("c", Map.of("deep", nested)), NOW);

    assertThat(evaluation.rules().get(0).result()).isEqualTo(RuleResult.ERROR);
    assertThat(evaluation.rules().get(0).reason())
        .hasValue("the subject token's claims are nested more than 32 levels deep");
  }

  @Test
  void clientAndRequestAreVariables() {
    ConnectorTrust trust =
        compiled(trust(rule("r", "client.id == 'deployer' && 'groups' in request.scopes")));

    assertThat(
            trust
                .evaluate(
                    new TrustInput("deployer", List.of("openid", "groups"), MAIN, Rules.token()),
                    NOW)
                .allowed())
        .isTrue();
    assertThat(
            trust
                .evaluate(new TrustInput("deployer", List.of("openid"), MAIN, Rules.token()), NOW)
                .rules()
                .get(0)
                .reason())
        .hasValue("\"groups\" in request.scopes was false");
  }

  @Test
  void programsAreEvaluatedConcurrently() throws Exception {
    ConnectorTrust trust =
        compiled(
            trust(
                rule("r", "claims.repository_owner_id == '1234' && claims.ref == 'refs/heads/main'")
                    .username("claims.repository")));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> futures =
          IntStream.range(0, 2_000)
              .mapToObj(i ->
                  pool.submit(() -> {
                    String ref = i % 2 == 0 ? "refs/heads/main" : "refs/heads/dev" + i;
                    TrustEvaluation evaluation =
                        trust.evaluate(
                            input(
                                "c",
                                Map.of(
                                    "repository_owner_id",
                                    "1234",
                                    "ref",
                                    ref,
                                    "repository",
                                    "r" + i)),
                            NOW);
                    return evaluation.allowed() == (i % 2 == 0)
                        && (i % 2 != 0
                            || evaluation.shaping().username().orElseThrow().equals("r" + i));
                  }))
              .toList();
      for (Future<Boolean> future : futures) {
        assertThat(future.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static Stream<Arguments> tokenChecks() {
    Duration tenMinutes = Duration.ofMinutes(10);
    return Stream.of(
        Arguments.of(
            List.of("https://ferry"),
            Optional.empty(),
            false,
            List.of("https://ferry", "x"),
            Optional.of(NOW),
            Optional.empty(),
            null),
        Arguments.of(
            List.of("https://ferry"),
            Optional.empty(),
            false,
            List.of("https://other"),
            Optional.of(NOW),
            Optional.empty(),
            "subject token aud [https://other] contains none of the trusted audiences [https://ferry]"),
        Arguments.of(
            List.of("https://ferry"),
            Optional.empty(),
            false,
            List.of(),
            Optional.of(NOW),
            Optional.empty(),
            "subject token has no aud; the trusted audiences are [https://ferry]"),
        Arguments.of(
            List.of(),
            Optional.empty(),
            false,
            List.of(),
            Optional.empty(),
            Optional.empty(),
            null),
        Arguments.of(
            List.of(),
            Optional.of(tenMinutes),
            false,
            List.of(),
            Optional.of(NOW.minusSeconds(600)),
            Optional.empty(),
            null),
        Arguments.of(
            List.of(),
            Optional.of(tenMinutes),
            false,
            List.of(),
            Optional.of(NOW.minusSeconds(601)),
            Optional.empty(),
            "subject token was issued 10m1s ago, more than maxTokenAge 10m0s"),
        Arguments.of(
            List.of(),
            Optional.of(tenMinutes),
            false,
            List.of(),
            Optional.empty(),
            Optional.empty(),
            "subject token has no iat, which maxTokenAge (10m0s) needs"),
        Arguments.of(
            List.of(),
            Optional.empty(),
            false,
            List.of(),
            Optional.of(NOW.plusSeconds(300)),
            Optional.empty(),
            null),
        Arguments.of(
            List.of(),
            Optional.empty(),
            false,
            List.of(),
            Optional.of(NOW.plusSeconds(301)),
            Optional.empty(),
            "subject token iat is 5m1s in the future, more than the allowed clock skew of 5m0s"),
        Arguments.of(
            List.of(), Optional.empty(), true, List.of(), Optional.empty(), Optional.of("j"), null),
        Arguments.of(
            List.of(),
            Optional.empty(),
            true,
            List.of(),
            Optional.empty(),
            Optional.empty(),
            "subject token has no jti, which singleUse needs"));
  }

  @ParameterizedTest(name = "{6}")
  @MethodSource
  void tokenChecks(
      List<String> audiences,
      Optional<Duration> maxTokenAge,
      boolean singleUse,
      List<String> aud,
      Optional<Instant> iat,
      Optional<String> jti,
      String reason) {
    ConnectorTrust trust = compiled(new TrustConfig(audiences, maxTokenAge, singleUse, List.of()));
    SubjectToken token = new SubjectToken("t", "https://issuer", aud, iat, Optional.empty(), jti);

    assertThat(trust.checkToken(token, NOW)).isEqualTo(Optional.ofNullable(reason));
  }

  @Test
  void aTokenFromASharedIssuerTheRulesWereNotPinnedForIsRefused() {
    // Compiled for a connector whose configured issuer is not shared (a mirror, a discovery
    // override), the rules were never required to pin a tenant: a GitHub token is refused.
    ConnectorTrust unpinned =
        compile(Optional.of("https://mirror.example.com"), trust(rule("any", "true")))
            .trust()
            .orElseThrow();
    SubjectToken github =
        new SubjectToken(
            "urn:ietf:params:oauth:token-type:id_token",
            "https://TOKEN.actions.githubusercontent.com/",
            List.of(),
            Optional.of(NOW),
            Optional.empty(),
            Optional.empty());
    assertThat(unpinned.checkToken(github, NOW))
        .hasValueSatisfying(
            reason -> assertThat(reason).contains("is the shared issuer of GitHub Actions"));

    ConnectorTrust pinned =
        compile(Optional.of(GITHUB), trust(rule("org", "claims.repository_owner_id == '1'")))
            .trust()
            .orElseThrow();
    assertThat(pinned.checkToken(github, NOW)).isEmpty();
  }
}
