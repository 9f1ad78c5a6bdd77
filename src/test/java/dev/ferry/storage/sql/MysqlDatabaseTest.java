package dev.ferry.storage.sql;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

class MysqlDatabaseTest extends SqlDatabaseTest {

  private static TestDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = TestDatabase.mysql();
  }

  @AfterAll
  static void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void emptyDatabase() {
    db.dropAllTables();
  }

  @Override
  protected SqlSettings settings() {
    return db.settings();
  }

  @Override
  protected Connection connect() throws SQLException {
    return db.connect();
  }

  @Override
  protected Dialect dialect() {
    return db.dialect;
  }
}
