package dev.ferry.storage.sql;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class MysqlDatabaseTest extends SqlDatabaseTest {

  @RegisterExtension static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.MYSQL);

  private static TestDatabase db() {
    return DB.get();
  }

  @BeforeEach
  void emptyDatabase() {
    db().dropAllTables();
  }

  @Override
  protected SqlSettings settings() {
    return db().settings();
  }

  @Override
  protected Connection connect() throws SQLException {
    return db().connect();
  }

  @Override
  protected Dialect dialect() {
    return db().dialect;
  }
}
