package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.storage.Client;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL and MySQL/MariaDB reached through their unix sockets from a Dex {@code storage.config}
 * whose {@code host} starts with {@code /} (Dex: storage/sql/config.go
 * Postgres.createDataSourceName, MySQL.open). Each server test creates its own database over TCP
 * ({@code FERRY_TEST_POSTGRES_URL} / {@code FERRY_TEST_MYSQL_URL}), opens it through the socket,
 * and drops it afterwards; it is skipped, saying why, when the variable is unset or the socket is
 * not there. The socket locations default to Debian's and can be moved with {@code
 * FERRY_TEST_POSTGRES_SOCKET_DIR} and {@code FERRY_TEST_MYSQL_SOCKET}.
 */
class UnixSocketTest {

  @RegisterExtension
  static final TestDatabase.PerClass POSTGRES = TestDatabase.perClass(Dialect.POSTGRES);

  @RegisterExtension
  static final TestDatabase.PerClass MYSQL = TestDatabase.perClass(Dialect.MYSQL);

  private static final Logger LOG = LoggerFactory.getLogger(UnixSocketTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PORT = Pattern.compile("^jdbc:[a-z]+://[^/]*:(\\d+)/.*$");

  @Test
  void postgresThroughTheSocketDirectory() throws SQLException {
    TestDatabase db = POSTGRES.get();
    Path dir = Path.of(env("FERRY_TEST_POSTGRES_SOCKET_DIR", "/var/run/postgresql"));
    int port = port(db.adminUrl, 5432);
    Path socket = dir.resolve(".s.PGSQL." + port);
    requireSocket(socket, "PostgreSQL");

    // No ssl.mode: Dex's default verify-full must still connect, since lib/pq disables TLS on a
    // unix socket.
    ObjectNode config = config(db, dir.toString()).put("port", port);
    SqlSettings settings = validSettings(Dialect.POSTGRES, config);
    // PostgreSQL has no server address for a unix-socket connection, only for TCP.
    try (Connection c = connect(settings);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select inet_server_addr() is null, current_database()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("connected through a unix socket").isTrue();
      assertThat(rs.getString(2)).isEqualTo(db.name);
    }
    storesThroughTheSocket(Dialect.POSTGRES, config, db);
  }

  @Test
  void mysqlThroughTheSocketFile() throws SQLException {
    TestDatabase db = MYSQL.get();
    Path socket = Path.of(env("FERRY_TEST_MYSQL_SOCKET", "/run/mysqld/mysqld.sock"));
    requireSocket(socket, "MySQL/MariaDB");

    ObjectNode config = config(db, socket.toString());
    config.putObject("ssl").put("mode", "false");
    SqlSettings settings = validSettings(Dialect.MYSQL, config);
    // The server names a unix-socket client "localhost", a TCP client "address:port".
    try (Connection c = connect(settings);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select host, database() from information_schema.processlist"
                    + " where id = connection_id()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).as("connected through a unix socket").isEqualTo("localhost");
      assertThat(rs.getString(2)).isEqualTo(db.name);
    }
    storesThroughTheSocket(Dialect.MYSQL, config, db);
  }

  @ParameterizedTest
  @EnumSource(
      value = Dialect.class,
      names = {"POSTGRES", "MYSQL"})
  void missingSocketFailsFastAndSaysWhichFile(Dialect dialect, @TempDir Path dir) {
    String host = dialect == Dialect.POSTGRES ? dir.toString() : dir + "/mysqld.sock";
    String socket = dialect == Dialect.POSTGRES ? dir + "/.s.PGSQL.5432" : host;
    ObjectNode config =
        JSON.createObjectNode()
            .put("host", host)
            .put("database", "dex")
            .put("user", "dex")
            .put("connectionTimeout", 2);
    config.putObject("ssl").put("mode", dialect == Dialect.POSTGRES ? "disable" : "false");
    long start = System.nanoTime();
    assertThatThrownBy(() -> new SqlBackend(dialect).open(config))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "cannot open " + dialect.type() + " database dex on unix socket " + socket + ": ")
        .hasMessageContaining("No such file or directory");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  /** Storage opens, migrates and serves through the socket, in the database the TCP URL names. */
  private static void storesThroughTheSocket(Dialect dialect, ObjectNode config, TestDatabase db)
      throws SQLException {
    try (Storage storage = new SqlBackend(dialect).open(config)) {
      storage.clients().create(Client.of("via-socket", "secret", "Socket client"));
      assertThat(storage.clients().get("via-socket")).map(Client::name).contains("Socket client");
    }
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from client where id = 'via-socket'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  /** Skips the calling test, saying so in the log and the report, when the socket is absent. */
  private static void requireSocket(Path socket, String server) {
    if (!Files.exists(socket)) {
      String message = "no " + server + " socket at " + socket + ": skipping its unix socket test";
      LOG.warn("{}", message);
      assumeTrue(false, message);
    }
  }

  private static ObjectNode config(TestDatabase db, String host) {
    ObjectNode config =
        JSON.createObjectNode()
            .put("host", host)
            .put("database", db.name)
            .put("connectionTimeout", 5)
            .put("maxOpenConns", 2);
    query(db.adminUrl, "user").ifPresent(u -> config.put("user", u));
    query(db.adminUrl, "password").ifPresent(p -> config.put("password", p));
    return config;
  }

  private static SqlSettings validSettings(Dialect dialect, ObjectNode config) {
    DexSqlConfig.Parsed parsed = new SqlBackend(dialect).parse(config);
    assertThat(parsed.problems()).isEmpty();
    return Objects.requireNonNull(parsed.settings());
  }

  /** A plain JDBC connection with exactly the URL and properties the storage pool would use. */
  private static Connection connect(SqlSettings settings) throws SQLException {
    Properties props = new Properties();
    props.putAll(settings.properties());
    return DriverManager.getConnection(settings.jdbcUrl(), props);
  }

  private static int port(String url, int fallback) {
    Matcher m = PORT.matcher(url);
    return m.matches() ? Integer.parseInt(m.group(1)) : fallback;
  }

  private static Optional<String> query(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    for (String pair : url.substring(q + 1).split("&")) {
      if (pair.startsWith(name + "=")) {
        return Optional.of(pair.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
