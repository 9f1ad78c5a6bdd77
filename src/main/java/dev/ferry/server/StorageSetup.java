package dev.ferry.server;

import dev.ferry.config.FerryConfig;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageBackend;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.StorageFactory;
import dev.ferry.storage.memory.MemoryBackend;
import dev.ferry.storage.sql.SqlBackend;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the configured storage and lays the configuration's static clients, connectors and
 * passwords over it, as Dex does: static entries shadow stored ones and are read-only.
 */
final class StorageSetup {
  private StorageSetup() {}

  static StorageFactory factory() {
    List<StorageBackend> backends = new ArrayList<>();
    backends.add(new MemoryBackend());
    backends.addAll(SqlBackend.all());
    return new StorageFactory(backends);
  }

  static Storage open(FerryConfig config) throws StartupException {
    Storage storage;
    try {
      storage = factory().open(config.storage().type(), config.storage().config());
    } catch (StorageException e) {
      throw new StartupException(
          "failed to initialize storage (" + config.storage().type() + "): " + e.getMessage(), e);
    }
    return StaticOverlay.overlay(storage, config);
  }
}
