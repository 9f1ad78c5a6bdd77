package dev.ferry.storage.sql;

import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageConformanceTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on an SQLite file in a fresh temporary directory per test. */
class SqliteStorageTest extends StorageConformanceTest {

  @TempDir Path dir;

  @Override
  protected Storage newStorage() {
    return SqlStorage.open(
        SqlSettings.sqlite(
            dir.resolve("dex.db").toString(), SqlSettings.DEFAULT_SQLITE_BUSY_TIMEOUT));
  }
}
