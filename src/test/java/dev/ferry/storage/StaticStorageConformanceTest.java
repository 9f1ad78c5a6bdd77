package dev.ferry.storage;

import dev.ferry.storage.memory.MemoryStorage;
import java.util.List;

/** With nothing static the decorator is transparent: it passes the whole suite. */
class StaticStorageConformanceTest extends StorageConformanceTest {
  @Override
  protected Storage newStorage() {
    return new StaticStorage(new MemoryStorage(), List.of(), List.of(), List.of());
  }
}
