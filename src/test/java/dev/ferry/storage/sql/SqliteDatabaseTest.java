package dev.ferry.storage.sql;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest extends SqlDatabaseTest {

  @TempDir Path dir;

  private String file() {
    return dir.resolve("dex.db").toString();
  }

  @Override
  protected SqlSettings settings() {
    return SqlSettings.sqlite(file(), SqlSettings.DEFAULT_SQLITE_BUSY_TIMEOUT);
  }

  @Override
  protected Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file());
  }

  @Override
  protected Dialect dialect() {
    return Dialect.SQLITE;
  }
}
