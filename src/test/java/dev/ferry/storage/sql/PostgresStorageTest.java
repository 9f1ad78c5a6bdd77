package dev.ferry.storage.sql;

import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageConformanceTest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on PostgreSQL ({@code FERRY_TEST_POSTGRES_URL}). */
class PostgresStorageTest extends StorageConformanceTest {

  private static @Nullable TestDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = TestDatabase.postgres();
  }

  private static TestDatabase db() {
    return TestDatabase.require(db, Dialect.POSTGRES);
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Override
  protected Storage newStorage() {
    SqlStorage storage = SqlStorage.open(db().settings());
    db().clear();
    return storage;
  }
}
