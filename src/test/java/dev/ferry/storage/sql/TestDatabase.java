package dev.ferry.storage.sql;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away PostgreSQL or MariaDB database for one test class, created on the server named by
 * {@code FERRY_TEST_POSTGRES_URL} / {@code FERRY_TEST_MYSQL_URL} under a random name and dropped
 * afterwards. Without the variable the calling test class is skipped, with a message saying so.
 */
public final class TestDatabase implements AutoCloseable {

  static final String POSTGRES_ENV = "FERRY_TEST_POSTGRES_URL";
  static final String MYSQL_ENV = "FERRY_TEST_MYSQL_URL";

  /** Every table Dex and Ferry create, so tests can empty a database between cases. */
  static final List<String> TABLES =
      List.of(
          "client",
          "auth_request",
          "auth_code",
          "refresh_token",
          "password",
          "keys",
          "offline_session",
          "connector",
          "device_request",
          "device_token",
          "user_identity",
          "auth_session",
          "ferry_used_tokens");

  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);

  private static final Pattern URL = Pattern.compile("^(jdbc:[a-z]+://[^/]+/)([^?]*)(\\?.*)?$");

  final Dialect dialect;
  public final String adminUrl;
  public final String name;
  public final String url;

  private TestDatabase(Dialect dialect, String adminUrl) {
    this.dialect = dialect;
    this.adminUrl = adminUrl;
    this.name = "ferry_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Matcher m = URL.matcher(adminUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException("cannot parse test database URL " + adminUrl);
    }
    this.url = m.group(1) + name + (m.group(3) == null ? "" : m.group(3));
    exec(adminUrl, "create database " + name);
  }

  /** A fresh PostgreSQL database, or null (with a warning) when the variable is not set. */
  public static @Nullable TestDatabase postgres() {
    return create(Dialect.POSTGRES, POSTGRES_ENV);
  }

  /** A fresh MariaDB/MySQL database, or null (with a warning) when the variable is not set. */
  public static @Nullable TestDatabase mysql() {
    return create(Dialect.MYSQL, MYSQL_ENV);
  }

  private static @Nullable TestDatabase create(Dialect dialect, String env) {
    String url = System.getenv(env);
    if (url == null || url.isBlank()) {
      LOG.warn("{}", skipMessage(dialect));
      return null;
    }
    return new TestDatabase(dialect, url);
  }

  private static String skipMessage(Dialect dialect) {
    return dialect == Dialect.POSTGRES
        ? POSTGRES_ENV + " not set: skipping PostgreSQL storage tests"
        : MYSQL_ENV + " not set: skipping MySQL/MariaDB storage tests";
  }

  /** Skips the current test, saying why, when its database is not configured. */
  public static TestDatabase require(@Nullable TestDatabase db, Dialect dialect) {
    assumeTrue(db != null, skipMessage(dialect));
    return java.util.Objects.requireNonNull(db);
  }

  SqlSettings settings() {
    return SqlSettings.jdbc(dialect, url, dialect.type() + " test database " + name);
  }

  /** Removes every row, keeping the schema and the migrations tables. */
  void clear() {
    for (String table : TABLES) {
      execIgnoringMissing(url, dialect.translate("delete from " + table));
    }
  }

  /** Drops everything, including the migrations tables, to start from an empty database. */
  void dropAllTables() {
    for (String table : TABLES) {
      execIgnoringMissing(url, dialect.translate("drop table if exists " + table));
    }
    execIgnoringMissing(url, "drop table if exists migrations");
    execIgnoringMissing(url, "drop table if exists ferry_migrations");
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  public void close() {
    if (dialect == Dialect.POSTGRES) {
      exec(
          adminUrl,
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
              + name.toLowerCase(Locale.ROOT)
              + "'");
    }
    exec(adminUrl, "drop database if exists " + name);
  }

  public static void exec(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test database statement failed: " + sql, e);
    }
  }

  private static void execIgnoringMissing(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (!msg.contains("does not exist") && !msg.contains("doesn't exist")) {
        throw new IllegalStateException("test database statement failed: " + sql, e);
      }
    }
  }

  /**
   * One throw-away database per test class, as a JUnit extension: created before the class, dropped
   * after it, and {@link #get()} skips the calling test (saying why) when the server is not
   * configured. Register it with {@code @RegisterExtension static final TestDatabase.PerClass db =
   * TestDatabase.perClass(Dialect.POSTGRES);}.
   */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final Dialect dialect;
    private @Nullable TestDatabase db;

    private PerClass(Dialect dialect) {
      this.dialect = dialect;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      db = dialect == Dialect.POSTGRES ? postgres() : mysql();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (db != null) {
        db.close();
        db = null;
      }
    }

    /** The database; skips the current test when its server is not configured. */
    public TestDatabase get() {
      return require(db, dialect);
    }
  }

  public static PerClass perClass(Dialect dialect) {
    return new PerClass(dialect);
  }
}
