package dev.ferry.server;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opened connectors, reopened when the stored definition changes (Dex: server/server.go {@code
 * getConnector}, which reopens when {@code ResourceVersion} changes). A connector that fails to
 * open is not cached, so the next request tries again, as Dex retries opening on every request; the
 * failure is logged and the caller answers "Requested connector does not exist.".
 *
 * <p>Design note. The cache is keyed by the id of the definition storage returned, never by the id
 * the request spelled: a database whose collation matches {@code Github} or {@code github } to the
 * stored {@code github} must not open a second connector (with its own discovery, JWKS cache and
 * threads) for each spelling. It holds at most {@code maxOpened} connectors; opening one more
 * closes the one used least recently, other than the one just opened, so that what storage holds
 * cannot make Ferry keep an unbounded number of upstream clients. A closed connector that a request
 * still holds fails that request only, as a replaced one does. {@code compute} serialises the
 * (re)opening of one id, so no caller is handed a connector another caller is closing.
 */
public final class ConnectorCache implements ConnectorLookup, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConnectorCache.class);

  /** Far above any real deployment's connector count, far below what exhausts threads or memory. */
  public static final int DEFAULT_MAX_OPENED = 1000;

  private final Function<String, Optional<dev.ferry.storage.Connector>> definitions;
  private final ConnectorRegistry registry;
  private final int maxOpened;
  private final Map<String, Entry> opened = new ConcurrentHashMap<>();
  private final AtomicLong uses = new AtomicLong();

  /**
   * @param definitions the stored connector definition for a requested id (storage's lookup)
   * @param registry opens a definition of each type
   */
  public ConnectorCache(
      Function<String, Optional<dev.ferry.storage.Connector>> definitions,
      ConnectorRegistry registry) {
    this(definitions, registry, DEFAULT_MAX_OPENED);
  }

  public ConnectorCache(
      Function<String, Optional<dev.ferry.storage.Connector>> definitions,
      ConnectorRegistry registry,
      int maxOpened) {
    if (maxOpened < 1) {
      throw new IllegalArgumentException("maxOpened must be at least 1");
    }
    this.definitions = definitions;
    this.registry = registry;
    this.maxOpened = maxOpened;
  }

  /** The opened connector, or empty when it is unknown or cannot be opened. */
  @Override
  public Optional<OpenedConnector> get(String id) {
    Optional<dev.ferry.storage.Connector> stored = definitions.apply(id);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    dev.ferry.storage.Connector definition = stored.get();
    String key = definition.id();
    Entry cached = opened.get(key);
    if (cached != null && cached.holds(definition)) {
      cached.touch(uses.incrementAndGet());
      return Optional.of(cached.connector);
    }
    Entry result =
        opened.compute(
            key,
            (unused, current) -> {
              if (current != null && current.holds(definition)) {
                return current;
              }
              try {
                Entry fresh =
                    new Entry(
                        new OpenedConnector(
                            definition,
                            registry.open(key, definition.type(), definition.config())));
                if (current != null) {
                  current.connector.connector().close();
                }
                return fresh;
              } catch (ConnectorException e) {
                log.atError()
                    .setMessage("failed to open connector")
                    .addKeyValue("connector_id", key)
                    .addKeyValue("err", e.getMessage())
                    .log();
                return current;
              }
            });
    if (result == null || !result.holds(definition)) {
      return Optional.empty();
    }
    result.touch(uses.incrementAndGet());
    evictBeyondBound(key);
    return Optional.of(result.connector);
  }

  /** How many connectors are open now. */
  int openedCount() {
    return opened.size();
  }

  /** Closes the least recently used connectors other than {@code keep} while over the bound. */
  private void evictBeyondBound(String keep) {
    while (opened.size() > maxOpened) {
      Map.Entry<String, Entry> eldest = null;
      for (Map.Entry<String, Entry> candidate : opened.entrySet()) {
        if (candidate.getKey().equals(keep)) {
          continue;
        }
        if (eldest == null || candidate.getValue().lastUse() < eldest.getValue().lastUse()) {
          eldest = candidate;
        }
      }
      if (eldest == null) {
        return;
      }
      if (opened.remove(eldest.getKey(), eldest.getValue())) {
        eldest.getValue().connector.connector().close();
        log.atInfo()
            .setMessage("closed the least recently used connector: too many connectors open")
            .addKeyValue("connector_id", eldest.getKey())
            .addKeyValue("max_opened", maxOpened)
            .log();
      }
    }
  }

  @Override
  public void close() {
    opened.values().forEach(e -> e.connector.connector().close());
    opened.clear();
  }

  /** An opened connector and when it was last handed out, in ticks of {@link #uses}. */
  private static final class Entry {
    final OpenedConnector connector;
    private final AtomicLong lastUse = new AtomicLong();

    Entry(OpenedConnector connector) {
      this.connector = connector;
    }

    boolean holds(dev.ferry.storage.Connector definition) {
      return connector.definition().equals(definition);
    }

    void touch(long tick) {
      lastUse.accumulateAndGet(tick, Math::max);
    }

    long lastUse() {
      return lastUse.get();
    }
  }
}
