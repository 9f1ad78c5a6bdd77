package dev.ferry.storage.memory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageBackend;
import java.util.List;

/** Dex's {@code memory} storage type. It has no config; Dex ignores any given. */
public final class MemoryBackend implements StorageBackend {

  @Override
  public String type() {
    return "memory";
  }

  @Override
  public List<String> validate(ObjectNode config) {
    return List.of();
  }

  @Override
  public Storage open(ObjectNode config) {
    return new MemoryStorage();
  }
}
