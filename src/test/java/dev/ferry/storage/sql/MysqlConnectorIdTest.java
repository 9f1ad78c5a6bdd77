package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.server.ConnectorCache;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On MariaDB/MySQL, whose default collation compares ids case-insensitively and ignoring trailing
 * spaces, a variant spelling of a stored connector id never opens a second connector, and any
 * connector it reaches is the stored one, so the same upstream user keeps one {@code sub}.
 */
class MysqlConnectorIdTest {

  @RegisterExtension static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.MYSQL);

  @ParameterizedTest
  @ValueSource(strings = {"GitHub", "GITHUB", "github ", "GitHub   "})
  void aVariantSpellingOpensNoSecondConnector(String variant) {
    List<String> opened = new CopyOnWriteArrayList<>();
    ConnectorFactory factory =
        new ConnectorFactory() {
          @Override
          public String type() {
            return "oidc";
          }

          @Override
          public List<String> validate(String configJson) {
            return List.of();
          }

          @Override
          public Connector open(String connectorId, String configJson) {
            opened.add(connectorId);
            return new Connector() {};
          }
        };
    try (SqlStorage storage = SqlStorage.open(DB.get().settings())) {
      DB.get().clear();
      storage
          .connectors()
          .create(
              new dev.ferry.storage.Connector("github", "oidc", "GitHub", "1", "{}", List.of()));
      try (ConnectorCache cache =
          new ConnectorCache(storage.connectors()::get, new ConnectorRegistry(List.of(factory)))) {
        Connector stored = cache.get("github").orElseThrow().connector();

        Optional<OpenedConnector> other = cache.get(variant);

        other.ifPresent(found -> {
          assertThat(found.definition().id()).isEqualTo("github");
          assertThat(found.connector()).isSameAs(stored);
        });
        assertThat(opened).containsExactly("github");
      }
    }
  }
}
