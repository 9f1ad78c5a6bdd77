package dev.ferry.storage.sql;

import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageConformanceTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite on MariaDB or MySQL ({@code FERRY_TEST_MYSQL_URL}). */
class MysqlStorageTest extends StorageConformanceTest {

  @RegisterExtension static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.MYSQL);

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
