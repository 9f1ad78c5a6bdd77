package dev.ferry.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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
    CredentialCondition.Compiled compiled = TrustCompiler.compileCredentialCondition(KEY, source);
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
        TrustCompiler.compileCredentialCondition(KEY, "claims.sub");
    assertThat(compiled.condition()).isPresent(); // dyn: judged when evaluated, as in rules
    CredentialCondition.Compiled notBool = TrustCompiler.compileCredentialCondition(KEY, "1 + 1");
    assertThat(notBool.condition()).isEmpty();
    assertThat(notBool.problems())
        .containsExactly(KEY + ".condition: must be a bool, but its type is int");
    assertThat(TrustCompiler.compileCredentialCondition(KEY, "claims.sub ==").problems())
        .singleElement()
        .satisfies(problem -> assertThat(problem).startsWith(KEY + ".condition: CEL 1:"));
  }
}
