package dev.ferry.server;

import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.storage.Storage;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opened connectors by id, reopened when the stored definition's {@code resourceVersion} changes
 * (Dex: server/connectors cache). A connector that fails to open is not cached, so the next request
 * tries again, as Dex retries opening on every request; the failure is logged and the caller
 * answers "Requested connector does not exist." (dex.md §3.2 #9).
 *
 * <p>A type Dex knows but Ferry does not serve yet opens as a connector with no capabilities: the
 * connector exists for the policy checks, and every grant then finds it lacks the capability it
 * needs, exactly as Dex treats e.g. a {@code github} connector in a token exchange.
 */
public final class ConnectorCache implements ConnectorLookup, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectorCache.class);

  private final Storage storage;
  private final Map<String, ConnectorFactory> factories;
  private final Map<String, OpenedConnector> opened = new ConcurrentHashMap<>();

  public ConnectorCache(Storage storage, Map<String, ConnectorFactory> factories) {
    this.storage = storage;
    this.factories = Map.copyOf(factories);
  }

  /** The opened connector, or empty when it is unknown or cannot be opened. */
  @Override
  public Optional<OpenedConnector> get(String id) {
    Optional<dev.ferry.storage.Connector> stored = storage.connectors().get(id);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    dev.ferry.storage.Connector definition = stored.get();
    OpenedConnector cached = opened.get(id);
    if (cached != null && cached.definition().equals(definition)) {
      return Optional.of(cached);
    }
    // compute() serialises concurrent (re)opens of one id, so no caller is handed a connector
    // that another caller is about to close.
    OpenedConnector result =
        opened.compute(
            id,
            (key, current) -> {
              if (current != null && current.definition().equals(definition)) {
                return current;
              }
              try {
                OpenedConnector fresh = new OpenedConnector(definition, open(definition));
                if (current != null) {
                  current.connector().close();
                }
                return fresh;
              } catch (ConnectorException e) {
                log.atError()
                    .setMessage("failed to open connector")
                    .addKeyValue("connector_id", id)
                    .addKeyValue("err", e.getMessage())
                    .log();
                return current;
              }
            });
    if (result == null || !result.definition().equals(definition)) {
      return Optional.empty();
    }
    return Optional.of(result);
  }

  /** Whether Ferry has a factory for this type (as opposed to a type Dex knows but we don't). */
  public boolean serves(String type) {
    return factories.containsKey(type);
  }

  private Connector open(dev.ferry.storage.Connector definition) throws ConnectorException {
    ConnectorFactory factory = factories.get(definition.type());
    if (factory == null) {
      return new Connector() {};
    }
    return factory.open(definition.id(), definition.config());
  }

  @Override
  public void close() {
    opened.values().forEach(c -> c.connector().close());
    opened.clear();
  }
}
