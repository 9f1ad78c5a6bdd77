package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.cpu.CpuLane;
import dev.ferry.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The composition root's connector list: what {@code serve} and {@code config check} read. */
class ConnectorSetupTest {

  @Test
  void servesOidcGitlabAndMockCallbackAndKnowsDexsTypes() {
    ConnectorRegistry registry =
        ConnectorSetup.registry(MutableClock.atFixedStart(), CpuLane.direct());
    assertThat(registry.servedTypes()).containsExactly("oidc", "gitlab", "mockCallback");
    assertThat(ConnectorSetup.knownTypes()).isEqualTo(ConnectorRegistry.DEX_TYPES);
  }

  @Test
  void configCheckReportsEachServedConnectorsProblemsUnderItsKey() {
    ConnectorRegistry registry =
        ConnectorSetup.registry(MutableClock.atFixedStart(), CpuLane.direct());
    assertThat(registry.validate("oidc", "{}")).isNotEmpty();
    assertThat(registry.validate("gitlab", "{\"baseURL\":\"nope\"}")).isNotEmpty();
    assertThat(registry.validate("mockCallback", "{}")).isEmpty();
    assertThat(registry.validate("github", "{}")).isEmpty();
  }
}
