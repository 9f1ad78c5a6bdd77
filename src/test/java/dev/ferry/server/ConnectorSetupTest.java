package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.PasswordConnector;
import dev.ferry.connector.RefreshConnector;
import dev.ferry.cpu.CpuLane;
import dev.ferry.storage.Password;
import dev.ferry.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The composition root's connector list: what {@code serve} and {@code config check} read. */
class ConnectorSetupTest {

  @Test
  void servesOidcGitlabTheMocksAndTheLocalDatabaseAndKnowsDexsTypes() {
    ConnectorRegistry registry =
        ConnectorSetup.registry(
            MutableClock.atFixedStart(), CpuLane.direct(), ConnectorSetup.NO_PASSWORDS);
    assertThat(registry.servedTypes())
        .containsExactly("oidc", "gitlab", "mockCallback", "mockPassword", "local");
    // Dex refuses "local" in connectors: the server adds it itself with enablePasswordDB.
    assertThat(ConnectorSetup.knownTypes()).isEqualTo(ConnectorRegistry.DEX_TYPES);
    assertThat(ConnectorSetup.knownTypes()).doesNotContain("local");
  }

  @Test
  void theLocalDatabaseOpensAsAPasswordAndRefreshConnectorOverTheGivenStorage() throws Exception {
    Password entry =
        new Password(
            "jane@example.com",
            "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W"
                .getBytes(StandardCharsets.US_ASCII),
            "jane",
            "u-1",
            "",
            "",
            null,
            List.of());
    ConnectorRegistry registry =
        ConnectorSetup.registry(
            MutableClock.atFixedStart(),
            CpuLane.direct(),
            email -> email.equals("jane@example.com") ? Optional.of(entry) : Optional.empty());
    Connector local = registry.open("local", "local", "{}");
    assertThat(local).isInstanceOf(RefreshConnector.class);
    assertThat(((PasswordConnector) local).prompt()).isEqualTo("Email Address");
    assertThat(
            ((PasswordConnector) local)
                .login(new ConnectorScopes(false, false), "jane@example.com", "password"))
        .map(Identity::userId)
        .contains("u-1");
  }

  @Test
  void configCheckReportsEachServedConnectorsProblemsUnderItsKey() {
    ConnectorRegistry registry =
        ConnectorSetup.registry(
            MutableClock.atFixedStart(), CpuLane.direct(), ConnectorSetup.NO_PASSWORDS);
    assertThat(registry.validate("oidc", "{}")).isNotEmpty();
    assertThat(registry.validate("gitlab", "{\"baseURL\":\"nope\"}")).isNotEmpty();
    assertThat(registry.validate("mockCallback", "{}")).isEmpty();
    assertThat(registry.validate("github", "{}")).isEmpty();
  }
}
