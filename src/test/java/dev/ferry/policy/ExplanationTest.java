package dev.ferry.policy;

import static dev.ferry.policy.Rules.NOW;
import static dev.ferry.policy.Rules.compiled;
import static dev.ferry.policy.Rules.input;
import static dev.ferry.policy.Rules.rule;
import static dev.ferry.policy.Rules.trust;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.connector.SubjectToken;
import dev.ferry.policy.Explanation.ClaimValue;
import dev.ferry.policy.Explanation.ConjunctExplanation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExplanationTest {
  private static final Map<String, Object> DEV =
      Map.of("repository_owner_id", "1234", "ref", "refs/heads/dev", "event_name", "pull_request");

  private static final ConnectorTrust TRUST =
      compiled(
          trust(
              rule(
                      "deploy",
                      "claims.repository_owner_id == '1234' && claims.ref == 'refs/heads/main' &&"
                          + " claims.event_name == 'push' && claims.environment == 'prod' &&"
                          + " claims.ref != ''")
                  .username("claims.ref"),
              rule("ops", "true").clients("ops"),
              rule("broken", "claims.environment == 'prod' && claims.ref == 'x'").audit(),
              rule("any-dev", "claims.ref.startsWith('refs/heads/')")
                  .username("'dev:' + claims.ref")
                  .groups("['devs']")
                  .claim("ref", "claims.ref")
                  .expiry(Duration.ofMinutes(5))));

  @Test
  void everyFalseConjunctIsListedAndThoseAfterAnErrorAreNotEvaluated() {
    Explanation explanation = TRUST.explain(input("my-app", DEV), NOW);

    Explanation.RuleExplanation deploy = explanation.rules().get(0);
    assertThat(deploy.result()).isEqualTo(RuleResult.NO_MATCH);
    // The audit record's reason is the first false conjunct, as evaluate() gives.
    assertThat(deploy.reason())
        .isEqualTo(TRUST.evaluate(input("my-app", DEV), NOW).rules().get(0).reason());
    assertThat(deploy.conjuncts())
        .extracting(ConjunctExplanation::status)
        .containsExactly(
            ConjunctStatus.TRUE,
            ConjunctStatus.FALSE,
            ConjunctStatus.FALSE,
            ConjunctStatus.ERROR,
            ConjunctStatus.NOT_EVALUATED);
    assertThat(deploy.conjuncts().get(2))
        .isEqualTo(
            new ConjunctExplanation(
                "claims.event_name == \"push\"",
                ConjunctStatus.FALSE,
                List.of(new ClaimValue("event_name", Optional.of("pull_request"))),
                Optional.empty()));
    assertThat(deploy.conjuncts().get(3).claims())
        .containsExactly(new ClaimValue("environment", Optional.empty()));

    assertThat(explanation.rules().get(1).result()).isEqualTo(RuleResult.NOT_FOR_CLIENT);
    assertThat(explanation.rules().get(1).conjuncts()).isEmpty();
    assertThat(explanation.rules().get(2).result()).isEqualTo(RuleResult.ERROR);
    assertThat(explanation.decidingRule()).hasValue("any-dev");
    assertThat(explanation.allowed()).isTrue();
    assertThat(explanation.shaping().username()).hasValue("dev:refs/heads/dev");
    assertThat(explanation.shaping().notAfter()).hasValue(NOW.plus(Duration.ofMinutes(5)));
  }

  @Test
  void theTextNamesResultsFalseConjunctsAndWhatWouldBeIssued() {
    String text = ExplanationText.render(TRUST.explain(input("my-app", DEV), NOW));

    assertThat(text)
        .isEqualTo(
            """
            token checks: passed
            rule deploy (enforce): NO MATCH
              false: claims.ref == "refs/heads/main"   (claims.ref = "refs/heads/dev")
              false: claims.event_name == "push"   (claims.event_name = "pull_request")
              error: claims.environment == "prod"   (claims.environment absent)
                error: evaluation error at condition:112: key 'environment' is not present in map.
              not evaluated: claims.ref != ""   (claims.ref = "refs/heads/dev")
            rule ops (enforce): NOT FOR THIS CLIENT
            rule broken (audit): ERROR
              error: claims.environment == "prod"   (claims.environment absent)
                error: evaluation error at condition:6: key 'environment' is not present in map.
              not evaluated: claims.ref == "x"   (claims.ref = "refs/heads/dev")
            rule any-dev (enforce): MATCH
            result: ALLOWED by rule any-dev
              username: "dev:refs/heads/dev"
              groups: ["devs"]
              claim ref: "refs/heads/dev"
              expires no later than: 2026-12-04T12:05:00Z
            """);
  }

  @Test
  void aTokenRefusalIsExplainedWithTheRules() {
    ConnectorTrust trust =
        compiled(
            new TrustConfig(
                List.of("https://ferry"),
                Optional.empty(),
                false,
                List.of(rule("r", "claims.ref == 'refs/heads/main'").build())));
    SubjectToken token =
        new SubjectToken(
            "t",
            "https://i",
            List.of("https://else"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    Explanation explanation = trust.explain(new TrustInput("c", List.of(), DEV, token), NOW);

    assertThat(explanation.allowed()).isFalse();
    assertThat(ExplanationText.render(explanation))
        .isEqualTo(
            """
            token checks: REFUSED: subject token aud [https://else] contains none of the trusted audiences [https://ferry]
            rule r (enforce): NO MATCH
              false: claims.ref == "refs/heads/main"   (claims.ref = "refs/heads/dev")
            result: REFUSED (the token checks failed)
            """);
  }

  @Test
  void theJsonCarriesTheSameModel() throws Exception {
    String json = ExplanationJson.render(TRUST.explain(input("my-app", DEV), NOW));

    JsonNode root = new ObjectMapper().readTree(json);
    assertThat(root.get("allowed").asBoolean()).isTrue();
    assertThat(root.get("token").get("passed").asBoolean()).isTrue();
    assertThat(root.get("rule").asText()).isEqualTo("any-dev");
    JsonNode deploy = root.get("rules").get(0);
    assertThat(deploy.get("result").asText()).isEqualTo("no_match");
    assertThat(deploy.get("conjuncts").get(3).get("status").asText()).isEqualTo("error");
    assertThat(deploy.get("conjuncts").get(3).get("claims").get(0).toString())
        .isEqualTo("{\"name\":\"environment\",\"present\":false}");
    assertThat(deploy.get("conjuncts").get(4).get("status").asText()).isEqualTo("not_evaluated");
    assertThat(root.get("rules").get(1).has("conjuncts")).isFalse();
    assertThat(root.get("issued").toString())
        .isEqualTo(
            "{\"username\":\"dev:refs/heads/dev\",\"groups\":[\"devs\"],\"claims\":{\"ref\":\"refs/heads/dev\"},\"not_after\":\"2026-12-04T12:05:00Z\"}");
  }

  @Test
  void theDecidingRulesTargetsAreShownInTextAndJson() throws Exception {
    ConnectorTrust targets =
        compiled(
            trust(
                rule("deploy", "true")
                    .audiences("billing")
                    .resources("https://api.example.com/v1", "urn:example:ledger")));

    Explanation explanation = targets.explain(input("my-app", DEV), NOW);

    assertThat(ExplanationText.render(explanation))
        .endsWith(
            """
            result: ALLOWED by rule deploy
              expires no later than: 2026-12-04T13:00:00Z
              may ask for audiences: ["billing"]
              may ask for resources: ["https://api.example.com/v1", "urn:example:ledger"]
            """);
    JsonNode issued =
        new ObjectMapper().readTree(ExplanationJson.render(explanation)).get("issued");
    assertThat(issued.get("audiences").toString()).isEqualTo("[\"billing\"]");
    assertThat(issued.get("resources").toString())
        .isEqualTo("[\"https://api.example.com/v1\",\"urn:example:ledger\"]");
  }

  @Test
  void aClaimNameCelCannotSelectIsShownAsAnIndexInTheTextAsInTheReason() {
    ConnectorTrust kubernetes =
        compiled(trust(rule("ns", "claims['kubernetes.io'].namespace == 'ci'")));
    Map<String, Object> claims = Map.of("kubernetes.io", Map.of("namespace", "default"));

    String text = ExplanationText.render(kubernetes.explain(input("my-app", claims), NOW));

    assertThat(text).contains("(claims[\"kubernetes.io\"] = {\"namespace\": \"default\"})");
    assertThat(kubernetes.evaluate(input("my-app", claims), NOW).rules().get(0).reason())
        .hasValueSatisfying(reason -> assertThat(reason).contains("claims[\"kubernetes.io\"]"));
  }
}
