package dev.ferry.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code storage} section: a backend type and its own {@code config} block, which the storage
 * package parses (Dex: one config struct per type). String values in {@code config} are already
 * environment-expanded.
 *
 * @param type one of {@link #KNOWN_TYPES}
 * @param config the backend's settings, never null (empty when absent)
 */
public record StorageConfig(String type, ObjectNode config) {
  /** Storage types Dex knows (Dex: {@code storages} in cmd/dex/config.go). */
  public static final List<String> KNOWN_TYPES =
      List.of("etcd", "kubernetes", "memory", "sqlite3", "postgres", "mysql");

  public StorageConfig(@Nullable String type, @Nullable ObjectNode config) {
    this.type = Defaults.str(type);
    this.config = config == null ? JsonNodeFactory.instance.objectNode() : config.deepCopy();
  }

  /** A copy, so that no caller can change the loaded config. */
  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** Leaves out {@code config}, which may hold a database password. */
  @Override
  public String toString() {
    return "StorageConfig[type=" + type + "]";
  }
}
