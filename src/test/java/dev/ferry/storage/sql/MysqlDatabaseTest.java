package dev.ferry.storage.sql;

import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

class MysqlDatabaseTest extends SqlDatabaseTest {

  private static @Nullable TestDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = TestDatabase.mysql();
  }

  private static TestDatabase db() {
    return TestDatabase.require(db, Dialect.MYSQL);
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
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
