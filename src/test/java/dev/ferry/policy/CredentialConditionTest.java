package dev.ferry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A federated credential's {@code condition}: compiled by the trust rules' compiler (same
 * variables, same checks) and evaluated by their evaluator, never throwing.
 */
class CredentialConditionTest {
  private static final String KEY = "staticClients[0].federatedCredentials[0]";
  private static final Map<String, Object> CLAIMS =
      Map.of(
          "sub",
          "system:serviceaccount:ci:deployer",
          "kubernetes.io",
          Map.of("namespace", "ci", "serviceaccount", Map.of("name", "deployer")));

  private static CredentialCondition compile(String source) {
    CredentialCondition.Compiled compiled =
        TrustCompiler.compileCredentialCondition(KEY, Optional.empty(), source);
    assertThat(compiled.problems()).isEmpty();
    return compiled.condition().orElseThrow();
  }

  @Test
  void seesTheClaimsTheClientAndTheRequestedScopes() {
    CredentialCondition condition =
        compile(
            "claims[\"kubernetes.io\"].namespace == \"ci\" && client.id == \"deployer\""
                + " && !(\"offline_access\" in request.scopes)");
    assertThat(condition.refusal("deployer", List.of("openid"), CLAIMS)).isEmpty();
    assertThat(condition.refusal("other", List.of("openid"), CLAIMS))
        .hasValueSatisfying(reason -> assertThat(reason).contains("client.id == \"deployer\""));
    assertThat(condition.refusal("deployer", List.of("offline_access"), CLAIMS)).isPresent();
  }

  @Test
  void aFalseConditionNamesTheConjunctAndAnErrorIsARefusalNotAnException() {
    CredentialCondition condition = compile("claims[\"kubernetes.io\"].namespace == \"prod\"");
    assertThat(condition.refusal("deployer", List.of(), CLAIMS))
        .hasValueSatisfying(reason -> assertThat(reason).contains("was false"));
    assertThat(condition.refusal("deployer", List.of(), Map.of("sub", "x")))
        .hasValueSatisfying(reason -> assertThat(reason).startsWith("condition could not be"));
  }

  @Test
  void problemsNameTheConditionKey() {
    CredentialCondition.Compiled compiled =
        TrustCompiler.compileCredentialCondition(KEY, Optional.empty(), "claims.sub");
    assertThat(compiled.condition()).isPresent(); // dyn: judged when evaluated, as in rules
    CredentialCondition.Compiled notBool =
        TrustCompiler.compileCredentialCondition(KEY, Optional.empty(), "1 + 1");
    assertThat(notBool.condition()).isEmpty();
    assertThat(notBool.problems())
        .containsExactly(KEY + ".condition: must be a bool, but its type is int");
    assertThat(
            TrustCompiler.compileCredentialCondition(KEY, Optional.empty(), "claims.sub ==")
                .problems())
        .singleElement()
        .satisfies(problem -> assertThat(problem).startsWith(KEY + ".condition: CEL 1:"));
  }

  private static final Optional<String> GITHUB =
      Optional.of("https://token.actions.githubusercontent.com");

  private static final String NOT_PINNED =
      KEY
          + ".condition: the federated credential does not pin the tenant of the shared issuer"
          + " https://token.actions.githubusercontent.com (GitHub Actions): its condition must"
          + " compare one of claims.repository_owner_id, claims.repository_id,"
          + " claims.enterprise_id with == to a string literal (or with in to a list of string"
          + " literals) at the top level of its && chain (the issuer sends these claims as"
          + " strings)";

  @Test
  void onASharedIssuerTheConditionMustPinTheTenantAsARuleMust() {
    // The sub of a GitHub Actions token is built from owner and repository names, which can be
    // renamed and registered again by another customer of the same issuer.
    assertThat(TrustCompiler.compileCredentialCondition(KEY, GITHUB, "").problems())
        .containsExactly(NOT_PINNED);
    assertThat(
            TrustCompiler.compileCredentialCondition(
                    KEY, GITHUB, "claims.repository == \"octo/app\"")
                .problems())
        .containsExactly(NOT_PINNED);
    CredentialCondition.Compiled pinned =
        TrustCompiler.compileCredentialCondition(
            KEY,
            Optional.of("https://token.actions.githubusercontent.com/"),
            "claims.repository_owner_id == \"42\" && claims.repository == \"octo/app\"");
    assertThat(pinned.problems()).isEmpty();
    assertThat(pinned.condition()).isPresent();
  }

  @Test
  void withoutASharedIssuerNoConditionIsNeeded() {
    CredentialCondition.Compiled none =
        TrustCompiler.compileCredentialCondition(
            KEY, Optional.of("https://kubernetes.default.svc"), "");
    assertThat(none.problems()).isEmpty();
    assertThat(none.condition()).isEmpty();
  }
}
