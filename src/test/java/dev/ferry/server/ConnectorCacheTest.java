package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.endpoint.OpenedConnector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The opened-connector cache: one connector per stored definition whatever spelling found it, at
 * most {@code maxOpened} open, the least recently used closed first.
 */
class ConnectorCacheTest {
  private final Map<String, dev.ferry.storage.Connector> stored = new ConcurrentHashMap<>();
  private final CountingFactory factory = new CountingFactory();

  /**
   * Looks ids up as a MySQL/MariaDB default collation compares them: case-insensitively and
   * ignoring trailing spaces ({@code PAD SPACE}), answering the row as stored.
   */
  private Optional<dev.ferry.storage.Connector> collatingLookup(String id) {
    String wanted = id.stripTrailing().toLowerCase(Locale.ROOT);
    return stored.values().stream()
        .filter(c -> c.id().stripTrailing().toLowerCase(Locale.ROOT).equals(wanted))
        .findFirst();
  }

  private ConnectorCache cache(int maxOpened) {
    return new ConnectorCache(
        this::collatingLookup, new ConnectorRegistry(List.of(factory)), maxOpened);
  }

  private void store(String id, String resourceVersion) {
    stored.put(
        id,
        new dev.ferry.storage.Connector(
            id, CountingFactory.TYPE, id, resourceVersion, "{}", List.of()));
  }

  private static Connector connectorOf(Optional<OpenedConnector> opened) {
    return opened.orElseThrow().connector();
  }

  @ParameterizedTest
  @ValueSource(strings = {"GitHub", "GITHUB", "github ", "github   ", "GitHub  "})
  void everySpellingThatFindsTheStoredDefinitionSharesItsConnector(String variant) {
    store("github", "1");
    try (ConnectorCache cache = cache(10)) {
      Connector first = connectorOf(cache.get("github"));
      Optional<OpenedConnector> other = cache.get(variant);
      assertThat(connectorOf(other)).isSameAs(first);
      assertThat(other.orElseThrow().definition().id()).isEqualTo("github");
      assertThat(factory.opened).containsExactly("github");
      assertThat(cache.openedCount()).isEqualTo(1);
    }
  }

  @Test
  void openingOneMoreThanTheBoundClosesTheLeastRecentlyUsed() {
    store("a", "1");
    store("b", "1");
    store("c", "1");
    try (ConnectorCache cache = cache(2)) {
      TestConnector a = (TestConnector) connectorOf(cache.get("a"));
      TestConnector b = (TestConnector) connectorOf(cache.get("b"));
      assertThat(cache.get("a")).isPresent(); // a is now used more recently than b

      TestConnector c = (TestConnector) connectorOf(cache.get("c"));

      assertThat(b.closed).isTrue();
      assertThat(a.closed).isFalse();
      assertThat(c.closed).isFalse();
      assertThat(cache.openedCount()).isEqualTo(2);
      // b opens again when asked for, and then the least recently used (a) makes room.
      TestConnector reopened = (TestConnector) connectorOf(cache.get("b"));
      assertThat(reopened).isNotSameAs(b);
      assertThat(a.closed).isTrue();
      assertThat(factory.opened).containsExactly("a", "b", "c", "b");
    }
  }

  @Test
  void theConnectorJustOpenedIsNeverTheOneClosed() {
    store("a", "1");
    store("b", "1");
    try (ConnectorCache cache = cache(1)) {
      TestConnector a = (TestConnector) connectorOf(cache.get("a"));
      TestConnector b = (TestConnector) connectorOf(cache.get("b"));
      assertThat(a.closed).isTrue();
      assertThat(b.closed).isFalse();
      assertThat(connectorOf(cache.get("b"))).isSameAs(b);
      assertThat(cache.openedCount()).isEqualTo(1);
    }
  }

  @Test
  void aChangedDefinitionReopensAndClosesTheOldConnector() {
    store("a", "1");
    try (ConnectorCache cache = cache(10)) {
      TestConnector old = (TestConnector) connectorOf(cache.get("a"));
      store("a", "2");
      TestConnector fresh = (TestConnector) connectorOf(cache.get("A"));
      assertThat(fresh).isNotSameAs(old);
      assertThat(old.closed).isTrue();
      assertThat(cache.openedCount()).isEqualTo(1);
    }
  }

  @Test
  void aConnectorThatFailsToOpenIsTriedAgainOnTheNextRequest() {
    store("a", "1");
    factory.failing.set(true);
    try (ConnectorCache cache = cache(10)) {
      assertThat(cache.get("a")).isEmpty();
      assertThat(cache.openedCount()).isZero();
      factory.failing.set(false);
      assertThat(cache.get("a")).isPresent();
      assertThat(factory.opened).containsExactly("a", "a");
    }
  }

  @Test
  void anUnknownIdOpensNothing() {
    try (ConnectorCache cache = cache(10)) {
      assertThat(cache.get("nope")).isEmpty();
      assertThat(factory.opened).isEmpty();
    }
  }

  @Test
  void aTypeDexKnowsButFerryDoesNotServeOpensWithNoCapabilities() {
    stored.put(
        "gh", new dev.ferry.storage.Connector("gh", "github", "GitHub", "1", "{}", List.of()));
    try (ConnectorCache cache = cache(10)) {
      Connector connector = connectorOf(cache.get("gh"));
      assertThat(connector).isNotInstanceOf(TokenIdentityConnector.class);
      assertThat(factory.opened).isEmpty();
    }
  }

  @Test
  void closingTheCacheClosesEveryOpenedConnector() {
    store("a", "1");
    store("b", "1");
    ConnectorCache cache = cache(10);
    TestConnector a = (TestConnector) connectorOf(cache.get("a"));
    TestConnector b = (TestConnector) connectorOf(cache.get("b"));
    cache.close();
    assertThat(a.closed).isTrue();
    assertThat(b.closed).isTrue();
    assertThat(cache.openedCount()).isZero();
  }

  private static final class TestConnector implements Connector {
    volatile boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final class CountingFactory implements ConnectorFactory {
    static final String TYPE = "oidc";
    final List<String> opened = new ArrayList<>();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public List<String> validate(String configJson) {
      return List.of();
    }

    @Override
    public synchronized Connector open(String connectorId, String configJson)
        throws ConnectorException {
      opened.add(connectorId);
      if (failing.get()) {
        throw new ConnectorException("upstream says no");
      }
      return new TestConnector();
    }
  }
}
