package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.oauth2.GrantTypes;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example configs shipped in examples/ must load and mean what their comments say. */
class ExampleConfigsTest {
  @Test
  void devConfigLoadsAndServesTokenExchangeForGitHubActions() throws Exception {
    FerryConfig config = new ConfigLoader(Map.of()).load(Path.of("examples/config-dev.yaml"));

    assertThat(config.issuer()).isEqualTo("http://127.0.0.1:5556/dex");
    assertThat(config.storage().type()).isEqualTo("sqlite3");
    assertThat(config.storage().config().get("file").asText()).isEqualTo("ferry.db");
    assertThat(config.web().http()).isEqualTo("127.0.0.1:5556");
    assertThat(config.telemetry().http()).isEqualTo("127.0.0.1:5558");
    assertThat(config.logger().level()).isEqualTo(LogLevel.INFO);
    assertThat(config.effectiveGrantTypes()).contains(GrantTypes.TOKEN_EXCHANGE);

    ConnectorConfig github = config.connectors().get(0);
    assertThat(github.type()).isEqualTo("oidc");
    assertThat(github.id()).isEqualTo("github-actions");
    assertThat(github.config().get("issuer").asText())
        .isEqualTo("https://token.actions.githubusercontent.com");
    assertThat(github.config().get("userNameKey").asText()).isEqualTo("sub");
    assertThat(github.config().get("scopes").toString()).isEqualTo("[\"openid\",\"groups\"]");
    // Safe by default: the shared GitHub issuer is pinned to one owner, so nothing warns.
    assertThat(github.trust()).isPresent();
    assertThat(github.trust().get().rules())
        .singleElement()
        .satisfies(rule ->
            assertThat(rule.condition()).isEqualTo("claims.repository_owner_id == \"1234567\""));
    assertThat(config.warnings()).isEmpty();

    StaticClient client = config.staticClients().get(0);
    assertThat(client.id()).isEqualTo("my-app");
    assertThat(client.secret()).isEqualTo("my-secret");
    assertThat(client.publicClient()).isTrue();
    assertThat(config.unsupportedFeatures()).isEmpty();
  }
}
