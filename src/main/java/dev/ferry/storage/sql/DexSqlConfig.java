package dev.ferry.storage.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Translates Dex's {@code storage.config} for {@code sqlite3}, {@code postgres} and {@code mysql}
 * (Dex: storage/sql/config.go Postgres.createDataSourceName, MySQL.open) into {@link SqlSettings},
 * collecting every problem.
 *
 * <p>Network options: {@code host} (also {@code host:port}; a path starting with {@code /} is a
 * unix socket: for PostgreSQL the directory holding {@code .s.PGSQL.<port>}, for MySQL the socket
 * file itself, as Dex's drivers read it), {@code port}, {@code database}, {@code user}, {@code
 * password}, {@code connectionTimeout} (seconds), {@code maxOpenConns} (default 5), {@code
 * maxIdleConns} (PostgreSQL default 5, MySQL 0), {@code connMaxLifetime} (seconds; unset means
 * never), {@code ssl.mode}, {@code ssl.caFile}, {@code ssl.certFile}, {@code ssl.keyFile}.
 */
final class DexSqlConfig {
  /** Longest a single statement may take before the driver gives up (socket timeout). */
  static final int QUERY_TIMEOUT_SECONDS = 30;

  /** Default wait for a pooled connection when {@code connectionTimeout} is unset. */
  static final Duration DEFAULT_POOL_WAIT = Duration.ofSeconds(5);

  /** libpq's modes, which the PostgreSQL JDBC driver shares. Dex's default is verify-full. */
  private static final Set<String> PG_SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  /** go-sql-driver/mysql's TLS values, mapped to MariaDB Connector/J's sslMode. */
  private static final Map<String, String> MYSQL_SSL_MODES =
      Map.of(
          "true", "verify-full", "false", "disable", "skip-verify", "trust", "preferred", "trust");

  /**
   * pgjdbc speaks TCP only; this junixsocket factory hands it a unix domain socket connected to the
   * file named by {@code socketFactoryArg}, whatever host and port the URL names.
   */
  static final String UNIX_SOCKET_FACTORY = "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg";

  /** PostgreSQL names its socket {@code .s.PGSQL.<port>} inside the socket directory. */
  private static final String SOCKET_PREFIX = ".s.PGSQL.";

  /** The result of parsing: settings, or the problems that prevent them. */
  record Parsed(@Nullable SqlSettings settings, List<String> problems) {}

  private DexSqlConfig() {}

  static Parsed sqlite(ObjectNode config) {
    List<String> problems = new ArrayList<>();
    ConfigNode c = new ConfigNode(config, "storage.config", problems);
    Optional<String> file = c.string("file");
    if (file.isEmpty() || file.get().isBlank()) {
      if (problems.isEmpty()) {
        c.problem("file", "required: the path of the SQLite database file");
      }
      return new Parsed(null, problems);
    }
    return result(
        SqlSettings.sqlite(file.get(), SqlSettings.DEFAULT_SQLITE_BUSY_TIMEOUT), problems);
  }

  static Parsed network(Dialect dialect, ObjectNode config) {
    List<String> problems = new ArrayList<>();
    ConfigNode c = new ConfigNode(config, "storage.config", problems);
    String host = c.string("host").orElse("");
    Optional<Integer> port = c.integer("port", 1, 65535);
    String database = c.string("database").orElse("");
    String user = c.string("user").orElse("");
    String password = c.string("password").orElse("");
    int connectTimeout = c.integer("connectionTimeout", 0, 86_400).orElse(0);
    int maxOpen = c.integer("maxOpenConns", 0, 10_000).orElse(0);
    int maxIdle =
        c.integer("maxIdleConns", 0, 10_000)
            .orElse(dialect == Dialect.POSTGRES ? SqlSettings.DEFAULT_MAX_OPEN : 0);
    Optional<Integer> lifetime = c.integer("connMaxLifetime", 0, 10 * 365 * 86_400);
    ConfigNode ssl = c.object("ssl");
    Optional<String> sslMode = ssl.string("mode");
    String caFile = ssl.string("caFile").orElse("");
    String certFile = ssl.string("certFile").orElse("");
    String keyFile = ssl.string("keyFile").orElse("");

    Map<String, String> props = new TreeMap<>();
    if (!user.isEmpty()) {
      props.put("user", user);
    }
    if (!password.isEmpty()) {
      props.put("password", password);
    }

    String hostName = host;
    int portNumber = dialect == Dialect.POSTGRES ? 5432 : 3306;
    boolean unixSocket = host.startsWith("/");
    String socketFile = "";
    if (unixSocket && dialect == Dialect.MYSQL) {
      // Dex (go-sql-driver/mysql): the host is the socket file itself and the port is unused.
      socketFile = host;
      props.put("localSocket", socketFile);
      hostName = "localhost";
    } else {
      HostPort hp = HostPort.split(host);
      hostName = hp.host().isEmpty() ? "localhost" : hp.host();
      // Dex: a port inside "host:port" wins; otherwise the port field, otherwise the default.
      if (hp.port() != null) {
        portNumber = hp.port();
      } else if (port.isPresent()) {
        portNumber = port.get();
      }
      if (hp.invalidPort()) {
        c.problem("host", "the port after ':' must be a number between 1 and 65535");
      }
      if (unixSocket) {
        socketFile = postgresSocket(hostName, portNumber, c);
        props.put("socketFactory", UNIX_SOCKET_FACTORY);
        props.put("socketFactoryArg", socketFile);
        // The URL's host is never dialled: the socket factory connects to the file instead.
        hostName = "localhost";
      }
    }

    if (dialect == Dialect.POSTGRES) {
      String mode = sslMode.filter(m -> !m.isEmpty()).orElse("verify-full");
      if (!PG_SSL_MODES.contains(mode)) {
        ssl.problem(
            "mode", "must be one of disable, allow, prefer, require, verify-ca, verify-full");
      }
      if (unixSocket) {
        // Dex (lib/pq): "SSL is not necessary or supported over UNIX domain sockets", so the
        // mode is forced to disable and the certificate files are not used.
        props.put("sslmode", "disable");
      } else {
        props.put("sslmode", mode);
        putPostgresTls(props, mode, caFile, certFile, keyFile);
      }
      // Bounded waits so that a database that went away fails requests instead of hanging them:
      // connecting takes at most the configured time (default 5 s), a query at most 30 s.
      props.put("connectTimeout", Integer.toString(connectTimeout > 0 ? connectTimeout : 5));
      props.put("socketTimeout", Integer.toString(QUERY_TIMEOUT_SECONDS));
    } else {
      if (!certFile.isEmpty() || !keyFile.isEmpty()) {
        ssl.problem(
            certFile.isEmpty() ? "keyFile" : "certFile",
            "client certificates for mysql are not supported by Ferry yet");
      }
      if (!caFile.isEmpty()) {
        // Dex: any file switches the mode to "custom", verifying against that CA.
        props.put("sslMode", "verify-full");
        props.put("serverSslCert", caFile);
      } else {
        String mode = sslMode.filter(m -> !m.isEmpty()).orElse("true");
        String mapped = MYSQL_SSL_MODES.get(mode);
        if (mapped == null) {
          ssl.problem("mode", "must be one of true, false, skip-verify, preferred");
        } else {
          props.put("sslMode", mapped);
        }
      }
      props.put(
          "connectTimeout", Integer.toString((connectTimeout > 0 ? connectTimeout : 5) * 1000));
      props.put("socketTimeout", Integer.toString(QUERY_TIMEOUT_SECONDS * 1000));
    }

    String hostInUrl = hostName.contains(":") ? "[" + hostName + "]" : hostName;
    String scheme = dialect == Dialect.POSTGRES ? "jdbc:postgresql://" : "jdbc:mariadb://";
    String url = scheme + hostInUrl + ":" + portNumber + "/" + database;
    String target =
        unixSocket
            ? (database.isEmpty() ? "(default database)" : database)
                + " on unix socket "
                + socketFile
            : hostInUrl + ":" + portNumber + "/" + database;
    SqlSettings settings =
        new SqlSettings(
            dialect,
            url,
            props,
            maxOpen == 0 ? SqlSettings.DEFAULT_MAX_OPEN : maxOpen,
            maxIdle,
            lifetime.filter(s -> s > 0).map(Duration::ofSeconds).orElse(null),
            // How long a request waits for a pooled connection: bounded so that an outage
            // answers 500 server_error within seconds rather than holding requests.
            connectTimeout > 0 ? Duration.ofSeconds(connectTimeout) : DEFAULT_POOL_WAIT,
            target);
    return result(settings, problems);
  }

  /**
   * The socket file lib/pq dials for a host that is a directory: {@code <dir>/.s.PGSQL.<port>}
   * (Dex: lib/pq network(); the same convention as libpq). A host that already names the socket
   * file is a likely mistake that lib/pq would turn into a confusing "no such file" at start-up, so
   * it is reported here, with the directory to use instead.
   */
  private static String postgresSocket(String dir, int port, ConfigNode c) {
    Path directory;
    try {
      directory = Path.of(dir).normalize();
    } catch (InvalidPathException e) {
      c.problem("host", "is not a valid unix socket directory: " + e.getReason());
      return dir;
    }
    Path name = directory.getFileName();
    if (name != null && name.toString().startsWith(SOCKET_PREFIX)) {
      String filePort = name.toString().substring(SOCKET_PREFIX.length());
      c.problem(
          "host",
          "a PostgreSQL unix socket host is the directory that holds "
              + name
              + ", not the socket file itself; use "
              + directory.getParent()
              + (filePort.equals("5432") ? "" : " with port " + filePort));
    }
    return directory.resolve(SOCKET_PREFIX + port).toString();
  }

  private static void putPostgresTls(
      Map<String, String> props, String mode, String caFile, String certFile, String keyFile) {
    if (!caFile.isEmpty()) {
      props.put("sslrootcert", caFile);
    } else if (mode.startsWith("verify")) {
      // lib/pq (Dex) trusts the system roots; make the JDBC driver trust the JVM's.
      props.put("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
    }
    if (!certFile.isEmpty()) {
      props.put("sslcert", certFile);
    }
    if (!keyFile.isEmpty()) {
      props.put("sslkey", keyFile);
    }
  }

  private static Parsed result(SqlSettings settings, List<String> problems) {
    return problems.isEmpty()
        ? new Parsed(settings, List.of())
        : new Parsed(null, List.copyOf(problems));
  }

  /** Go's net.SplitHostPort, leniently: a bare host (or IPv6 address) has no port. */
  record HostPort(String host, @Nullable Integer port, boolean invalidPort) {
    static HostPort split(String s) {
      String host = s;
      String portText = null;
      if (s.startsWith("[") && s.contains("]")) {
        int close = s.indexOf(']');
        host = s.substring(1, close);
        if (s.length() > close + 1 && s.charAt(close + 1) == ':') {
          portText = s.substring(close + 2);
        }
      } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
        host = s.substring(0, s.indexOf(':'));
        portText = s.substring(s.indexOf(':') + 1);
      }
      if (portText == null) {
        return new HostPort(host, null, false);
      }
      if (!portText.matches("\\d{1,5}")
          || Integer.parseInt(portText) < 1
          || Integer.parseInt(portText) > 65535) {
        return new HostPort(host, null, true);
      }
      return new HostPort(host, Integer.parseInt(portText), false);
    }
  }
}
