package dev.ferry.endpoint;

import java.util.Optional;

/**
 * Finds an opened connector by its exact id (Dex: server/connectors/connectors.go Cache.Get). The
 * server implements it over its connector cache (reopening when the stored {@code resourceVersion}
 * changes); endpoints only ask.
 */
@FunctionalInterface
public interface ConnectorLookup {

  /**
   * The connector, or empty when no connector has this id or it cannot be opened. May throw {@link
   * dev.ferry.storage.StorageException}; callers answer both the same way, as Dex does.
   */
  Optional<OpenedConnector> get(String id);
}
