package dev.ferry.storage.sql;

import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageConformanceTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite on PostgreSQL ({@code FERRY_TEST_POSTGRES_URL}). */
class PostgresStorageTest extends StorageConformanceTest {

  @RegisterExtension
  static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.POSTGRES);

  private static TestDatabase db() {
    return DB.get();
  }

  @Override
  protected Storage newStorage() {
    SqlStorage storage = SqlStorage.open(db().settings());
    db().clear();
    return storage;
  }
}
