package dev.ferry.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One Dex storage type ({@code storage.type}) and how to open it from its {@code storage.config}
 * object. The object arrives after environment expansion (Dex: cmd/dex/config.go expandEnvInMap,
 * called from Storage.UnmarshalJSON); keys are matched case-insensitively, as Go's JSON decoder
 * matches them.
 */
public interface StorageBackend {

  /** The Dex type name, e.g. {@code sqlite3}. */
  String type();

  /**
   * Every problem in {@code config}, each naming its key (e.g. {@code storage.config.port: must be
   * a number between 1 and 65535}); empty when the config can be opened.
   */
  List<String> validate(ObjectNode config);

  /**
   * Opens the storage.
   *
   * @throws StorageException when the config is invalid (listing every problem) or the storage
   *     cannot be opened
   */
  Storage open(ObjectNode config);
}
