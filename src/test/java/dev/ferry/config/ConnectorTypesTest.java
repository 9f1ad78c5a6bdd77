package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.ConnectorRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config loading refuses exactly the connector types the connector registry does not know. */
class ConnectorTypesTest {
  private static final String SPIFFE =
      Fixtures.MINIMAL + "connectors:\n- {type: spiffe, id: s, name: S, config: {}}\n";

  private static FerryConfig load(List<String> types) throws ConfigException {
    return new ConfigLoader(Map.of(), types)
        .parse(SPIFFE, Path.of("config.yaml"), ListenOverrides.NONE);
  }

  @Test
  void aTypeOnlyFerryServesLoadsWhenTheRegistryKnowsIt() throws Exception {
    List<String> types = new ArrayList<>(ConnectorRegistry.DEX_TYPES);
    types.add("spiffe");
    assertThat(load(types).connectors())
        .extracting(ConnectorConfig::type)
        .containsExactly("spiffe");
  }

  @Test
  void withDexsTypesAloneItIsAnUnknownType() {
    assertThatThrownBy(() -> load(ConnectorRegistry.DEX_TYPES))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .contains(
                        new Problem("connectors[0].type", "unknown connector type \"spiffe\"")));
  }
}
