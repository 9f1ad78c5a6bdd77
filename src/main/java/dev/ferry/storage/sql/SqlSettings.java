package dev.ferry.storage.sql;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How to reach one SQL database, after the Dex config has been parsed: a JDBC URL, driver
 * properties, and pool limits with Dex's meaning ({@code maxOpenConns}, {@code maxIdleConns},
 * {@code connMaxLifetime}). {@code target} names the database in messages (the SQLite file, or
 * {@code host:port/database}); it never contains a password.
 *
 * @param connMaxLifetime null means connections are never recycled for age (Dex's default)
 * @param connectionTimeout how long to wait for a connection before failing
 */
public record SqlSettings(
    Dialect dialect,
    String jdbcUrl,
    Map<String, String> properties,
    int maxOpenConns,
    int maxIdleConns,
    @Nullable Duration connMaxLifetime,
    Duration connectionTimeout,
    String target) {

  /** Dex's default for {@code maxOpenConns} (Dex: storage/sql/config.go). */
  public static final int DEFAULT_MAX_OPEN = 5;

  /** How long SQLite waits for another process's lock before giving up. */
  public static final Duration DEFAULT_SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(5);

  public SqlSettings {
    properties = Map.copyOf(properties);
  }

  /**
   * An SQLite file with Dex's single connection (Dex: SetMaxOpenConns(1)), WAL journaling so
   * readers never wait for the writer, and IMMEDIATE transactions so that two processes sharing the
   * file queue for the write lock (waiting up to {@code busyTimeout}) instead of failing with
   * SQLITE_BUSY when a read transaction tries to become a write.
   */
  public static SqlSettings sqlite(String file, Duration busyTimeout) {
    Map<String, String> props = new TreeMap<>();
    props.put("busy_timeout", Long.toString(busyTimeout.toMillis()));
    props.put("transaction_mode", "IMMEDIATE");
    if (!file.equals(":memory:") && !file.startsWith("file::memory:")) {
      props.put("journal_mode", "WAL");
    }
    return new SqlSettings(
        Dialect.SQLITE, "jdbc:sqlite:" + file, props, 1, 1, null, busyTimeout, "'" + file + "'");
  }

  /** A PostgreSQL or MySQL/MariaDB database given by JDBC URL, with Dex's pool defaults. */
  public static SqlSettings jdbc(Dialect dialect, String jdbcUrl, String target) {
    return new SqlSettings(
        dialect,
        jdbcUrl,
        Map.of(),
        DEFAULT_MAX_OPEN,
        dialect == Dialect.MYSQL ? 0 : DEFAULT_MAX_OPEN,
        null,
        Duration.ofSeconds(30),
        target);
  }
}
