package dev.ferry.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry from Dex's {@code storage.type} to a backend. The composition root registers the
 * backends (memory, sqlite3, postgres, mysql); Dex's etcd and kubernetes types are recognised and
 * refused with a clear message rather than reported as unknown.
 */
public final class StorageFactory {

  /** Dex storage types Ferry knows of but does not implement. */
  private static final Set<String> NOT_YET = Set.of("etcd", "kubernetes");

  private final Map<String, StorageBackend> backends = new LinkedHashMap<>();

  public StorageFactory(List<StorageBackend> backends) {
    for (StorageBackend b : backends) {
      if (this.backends.putIfAbsent(b.type(), b) != null) {
        throw new IllegalArgumentException("two storage backends for type " + b.type());
      }
    }
  }

  /** The registered types, in registration order. */
  public List<String> types() {
    return List.copyOf(backends.keySet());
  }

  /** Every problem with {@code type} and {@code config}; empty when {@link #open} may succeed. */
  public List<String> validate(String type, ObjectNode config) {
    StorageBackend backend = backends.get(type);
    if (backend == null) {
      return List.of(unsupported(type));
    }
    return backend.validate(config);
  }

  /**
   * Opens the storage of {@code type}.
   *
   * @throws StorageException for an unknown or unsupported type, an invalid config (every problem
   *     listed), or a storage that cannot be opened
   */
  public Storage open(String type, ObjectNode config) {
    StorageBackend backend = backends.get(type);
    if (backend == null) {
      throw new StorageException(unsupported(type));
    }
    List<String> problems = backend.validate(config);
    if (!problems.isEmpty()) {
      throw new StorageException("invalid storage config: " + String.join("; ", problems));
    }
    return backend.open(config);
  }

  private String unsupported(String type) {
    String supported = String.join(", ", backends.keySet());
    if (NOT_YET.contains(type)) {
      return "storage.type: \""
          + type
          + "\" is a Dex storage type that is not supported by Ferry yet; use one of "
          + supported;
    }
    if (type.isEmpty()) {
      return "storage.type: no storage type given; use one of " + supported;
    }
    return "storage.type: unknown storage type \"" + type + "\"; use one of " + supported;
  }
}
