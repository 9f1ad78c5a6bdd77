package dev.ferry.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one list of connector types: Dex's known ones, and a factory for each served one. */
class ConnectorRegistryTest {

  private static ConnectorFactory factory(String type, List<String> problems) {
    return new ConnectorFactory() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public List<String> validate(String configJson) {
        return problems;
      }

      @Override
      public Connector open(String connectorId, String configJson) {
        return new TokenlessConnector(connectorId);
      }
    };
  }

  private record TokenlessConnector(String id) implements Connector {}

  @Test
  void aServedTypeIsValidatedAndOpenedByItsFactory() throws Exception {
    ConnectorRegistry registry =
        new ConnectorRegistry(List.of(factory("oidc", List.of("issuer: required"))));
    assertThat(registry.serves("oidc")).isTrue();
    assertThat(registry.validate("oidc", "{}")).containsExactly("issuer: required");
    assertThat(registry.open("up", "oidc", "{}")).isEqualTo(new TokenlessConnector("up"));
  }

  @Test
  void aTypeDexKnowsButFerryDoesNotServeHasNoProblemsAndNoCapabilities() throws Exception {
    ConnectorRegistry registry = new ConnectorRegistry(List.of(factory("oidc", List.of())));
    assertThat(registry.knownTypes()).contains("github");
    assertThat(registry.serves("github")).isFalse();
    assertThat(registry.validate("github", "not even JSON")).isEmpty();
    Connector connector = registry.open("gh", "github", "{}");
    assertThat(connector).isNotInstanceOf(TokenIdentityConnector.class);
  }

  @Test
  void aServedTypeDexDoesNotKnowBecomesAKnownType() {
    ConnectorRegistry registry = new ConnectorRegistry(List.of(factory("spiffe", List.of())));
    assertThat(registry.knownTypes())
        .startsWith(ConnectorRegistry.DEX_TYPES.toArray(String[]::new))
        .endsWith("spiffe");
    assertThat(registry.servedTypes()).containsExactly("spiffe");
  }

  @Test
  void knownTypesAreDexsListOnceEach() {
    ConnectorRegistry registry =
        new ConnectorRegistry(List.of(factory("oidc", List.of()), factory("gitlab", List.of())));
    assertThat(registry.knownTypes())
        .isEqualTo(ConnectorRegistry.DEX_TYPES)
        .doesNotHaveDuplicates();
  }

  @Test
  void twoFactoriesForOneTypeAreAProgrammingError() {
    assertThatThrownBy(() ->
            new ConnectorRegistry(List.of(factory("oidc", List.of()), factory("oidc", List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oidc");
  }
}
