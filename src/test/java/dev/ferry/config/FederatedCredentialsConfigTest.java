package dev.ferry.config;

import static dev.ferry.config.Fixtures.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.policy.FederatedCredential;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code staticClients[].federatedCredentials} (issue 9): read beside Dex's keys (also under {@code
 * DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS}), compiled into the registry and kept out of the storage
 * model, and every mistake a problem naming its key.
 */
class FederatedCredentialsConfigTest {
  private static final Map<String, String> STRICT =
      Map.of("DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", "true");

  private static final String CONNECTORS =
      """
      connectors:
      - type: oidc
        id: kubernetes
        name: Kubernetes
        config: {issuer: https://kubernetes.default.svc.cluster.local}
      - type: gitlab
        id: gitlab
        name: GitLab
        config: {clientID: x, clientSecret: y, redirectURI: http://127.0.0.1/callback}
      """;

  private static String client(String credentials) {
    return MINIMAL
        + CONNECTORS
        + """
        staticClients:
        - id: deployer
          name: Deployer
          federatedCredentials:
        """
        + credentials.indent(2);
  }

  @Test
  void aCredentialIsReadCompiledAndNeedsNoSecret() throws Exception {
    FerryConfig config =
        Fixtures.load(
            client(
                """
                - connector: kubernetes
                  subject: system:serviceaccount:ci:deployer
                  condition: 'claims["kubernetes.io"].namespace == "ci"'
                - connector: kubernetes
                  subject: system:serviceaccount:ci:other
                """),
            STRICT);

    List<FederatedCredential> credentials = config.federatedCredentials().of("deployer");
    assertThat(credentials).hasSize(2);
    assertThat(credentials.get(0).connectorId()).isEqualTo("kubernetes");
    assertThat(credentials.get(0).subject()).isEqualTo("system:serviceaccount:ci:deployer");
    assertThat(credentials.get(0).condition().orElseThrow().source())
        .isEqualTo("claims[\"kubernetes.io\"].namespace == \"ci\"");
    assertThat(credentials.get(1).condition()).isEmpty();
    // Credentials are trust configuration, not client data: the storage model has no trace.
    assertThat(config.storageClients().get(0).secret()).isEmpty();
    assertThat(config.storageClients().get(0).toString()).doesNotContain("serviceaccount");
  }

  @Test
  void aDexConfigHasNoCredentials() throws Exception {
    FerryConfig config =
        Fixtures.load(MINIMAL + "staticClients:\n- {id: a, name: A, secret: s}\n", STRICT);
    assertThat(config.federatedCredentials().isEmpty()).isTrue();
  }

  @Test
  void aClientWithoutSecretOrCredentialsStillNeedsASecret() {
    assertThat(
            Fixtures.problems(
                MINIMAL
                    + CONNECTORS
                    + "staticClients:\n- {id: a, name: A, federatedCredentials: []}\n"))
        .contains(
            new Problem(
                "staticClients[0].secret",
                "Secret or SecretEnv field is required for client \"a\""));
  }

  @Test
  void everyMistakeNamesItsKey() {
    List<Problem> problems =
        Fixtures.problems(
            client(
                """
                - subject: system:serviceaccount:ci:deployer
                - connector: nowhere
                  subject: s
                - connector: gitlab
                  subject: s
                - connector: kubernetes
                  subject: ""
                - connector: kubernetes
                  subject: s
                  condition: 'claims.namespace =='
                - connector: kubernetes
                  subject: s
                  condition: 'claims.namespace'
                - connector: kubernetes
                  subject: s
                  condition: '"ci"'
                - connector: kubernetes
                  subject: s
                  condition: 'unknown_variable == "x"'
                """));

    assertThat(problems)
        .extracting(Problem::key)
        .containsExactly(
            "staticClients[0].federatedCredentials[0].connector",
            "staticClients[0].federatedCredentials[1].connector",
            "staticClients[0].federatedCredentials[2].connector",
            "staticClients[0].federatedCredentials[3].subject",
            "staticClients[0].federatedCredentials[4].condition",
            "staticClients[0].federatedCredentials[6].condition",
            "staticClients[0].federatedCredentials[7].condition");
    assertThat(problems.get(0).message()).startsWith("connector is required");
    assertThat(problems.get(1).message()).isEqualTo("unknown connector \"nowhere\"");
    assertThat(problems.get(2).message())
        .isEqualTo(
            "connector \"gitlab\" is of type \"gitlab\"; a federated credential needs an oidc"
                + " connector (client assertions are JWTs)");
    assertThat(problems.get(3).message()).startsWith("subject is required");
    assertThat(problems.get(4).message()).startsWith("CEL ");
    // claims.namespace is dyn, checked when evaluated (as a trust rule's condition); a string
    // literal is not a bool.
    assertThat(problems.get(5).message()).isEqualTo("must be a bool, but its type is string");
    assertThat(problems.get(6).message()).contains("unknown_variable");
  }

  @Test
  void aPublicClientCannotHaveCredentials() {
    List<Problem> problems =
        Fixtures.problems(
            MINIMAL
                + CONNECTORS
                + """
                staticClients:
                - id: deployer
                  name: Deployer
                  public: true
                  federatedCredentials:
                  - {connector: kubernetes, subject: s}
                """);
    assertThat(problems)
        .singleElement()
        .satisfies(problem -> {
          assertThat(problem.key()).isEqualTo("staticClients[0].federatedCredentials");
          assertThat(problem.message())
              .startsWith("a public client cannot have federatedCredentials");
        });
  }

  @Test
  void unknownKeysInsideACredentialFollowDexsRule() throws Exception {
    String yaml =
        client(
            """
            - connector: kubernetes
              subject: s
              audience: nope
            """);
    assertThat(Fixtures.load(yaml).federatedCredentials().of("deployer")).hasSize(1);
    assertThatThrownBy(() -> Fixtures.load(yaml, STRICT))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("audience")
        .hasMessageContaining(Fixtures.FILE);
  }

  @Test
  void theProblemMessageNamesTheFile() {
    assertThatThrownBy(() -> Fixtures.load(client("- {connector: nowhere, subject: s}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(Fixtures.FILE)
        .hasMessageContaining("staticClients[0].federatedCredentials[0].connector");
  }

  private static final String GITHUB_CONNECTOR =
      """
      connectors:
      - type: oidc
        id: github
        name: GitHub Actions
        config: {issuer: https://token.actions.githubusercontent.com}
      """;

  @Test
  void onASharedIssuerACredentialMustPinTheTenant() throws Exception {
    String yaml =
        MINIMAL
            + GITHUB_CONNECTOR
            + """
            staticClients:
            - id: deployer
              name: Deployer
              federatedCredentials:
              - connector: github
                subject: repo:octo/app:ref:refs/heads/main
              - connector: github
                subject: repo:octo/app:ref:refs/heads/main
                condition: 'claims.repository == "octo/app"'
            """;
    List<Problem> problems = Fixtures.problems(yaml);
    assertThat(problems)
        .extracting(Problem::key)
        .containsExactly(
            "staticClients[0].federatedCredentials[0].condition",
            "staticClients[0].federatedCredentials[1].condition");
    assertThat(problems)
        .allSatisfy(problem ->
            assertThat(problem.message())
                .startsWith(
                    "the federated credential does not pin the tenant of the shared issuer"
                        + " https://token.actions.githubusercontent.com (GitHub Actions): its"
                        + " condition must compare one of claims.repository_owner_id,"));

    FerryConfig pinned =
        Fixtures.load(
            MINIMAL
                + GITHUB_CONNECTOR
                + """
                staticClients:
                - id: deployer
                  name: Deployer
                  federatedCredentials:
                  - connector: github
                    subject: repo:octo/app:ref:refs/heads/main
                    condition: 'claims.repository_owner_id == "42"'
                """);
    assertThat(pinned.federatedCredentials().of("deployer")).hasSize(1);
  }

  @Test
  void aCredentialMustNameAConnectorTheClientMayUse() {
    List<Problem> problems =
        Fixtures.problems(
            MINIMAL
                + CONNECTORS
                + """
                staticClients:
                - id: deployer
                  name: Deployer
                  allowedConnectors: [gitlab]
                  federatedCredentials:
                  - {connector: kubernetes, subject: s}
                """);
    assertThat(problems)
        .singleElement()
        .isEqualTo(
            new Problem(
                "staticClients[0].federatedCredentials[0].connector",
                "connector \"kubernetes\" is not in the client's allowedConnectors; add it"
                    + " there or use one of gitlab"));
  }
}
