package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DexSqlConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
  }

  private static SqlSettings settings(DexSqlConfig.Parsed parsed) {
    assertThat(parsed.problems()).isEmpty();
    return java.util.Objects.requireNonNull(parsed.settings());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'host':'db.example.com','database':'dex'}|jdbc:postgresql://db.example.com:5432/dex",
        "{'host':'db.example.com','port':6543,'database':'dex'}|jdbc:postgresql://db.example.com:6543/dex",
        // Dex: a port inside host wins over the port field.
        "{'host':'db:7000','port':6543,'database':'dex'}|jdbc:postgresql://db:7000/dex",
        "{'Host':'db','PORT':'5433','Database':'x'}|jdbc:postgresql://db:5433/x",
        "{'host':'::1','database':'dex'}|jdbc:postgresql://[::1]:5432/dex",
        "{'host':'[::1]:5444','database':'dex'}|jdbc:postgresql://[::1]:5444/dex",
        "{}|jdbc:postgresql://localhost:5432/",
      })
  void postgresUrls(String config, String url) throws Exception {
    assertThat(settings(DexSqlConfig.network(Dialect.POSTGRES, json(config))).jdbcUrl())
        .isEqualTo(url);
  }

  @org.junit.jupiter.api.Test
  void postgresDefaultsMatchDex() throws Exception {
    SqlSettings s =
        settings(
            DexSqlConfig.network(
                Dialect.POSTGRES, json("{'host':'db','user':'dex','password':'pw'}")));
    assertThat(s.properties())
        .containsEntry("sslmode", "verify-full")
        .containsEntry("user", "dex")
        .containsEntry("password", "pw")
        .containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
    assertThat(s.maxOpenConns()).isEqualTo(5);
    assertThat(s.maxIdleConns()).isEqualTo(5);
    assertThat(s.connMaxLifetime()).isNull();
    assertThat(s.target()).doesNotContain("pw");
  }

  @org.junit.jupiter.api.Test
  void postgresEveryOption() throws Exception {
    SqlSettings s =
        settings(
            DexSqlConfig.network(
                Dialect.POSTGRES,
                json(
                    "{'host':'db','connectionTimeout':7,'maxOpenConns':9,'maxIdleConns':2,"
                        + "'connMaxLifetime':600,'ssl':{'mode':'verify-ca','caFile':'/ca.pem',"
                        + "'certFile':'/c.pem','keyFile':'/k.pem'}}")));
    assertThat(s.properties())
        .containsAllEntriesOf(
            Map.of(
                "sslmode", "verify-ca",
                "sslrootcert", "/ca.pem",
                "sslcert", "/c.pem",
                "sslkey", "/k.pem",
                "connectTimeout", "7"))
        .doesNotContainKey("sslfactory");
    assertThat(s.maxOpenConns()).isEqualTo(9);
    assertThat(s.maxIdleConns()).isEqualTo(2);
    assertThat(s.connMaxLifetime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.connectionTimeout()).isEqualTo(Duration.ofSeconds(7));
  }

  @org.junit.jupiter.api.Test
  void mysqlDefaultsAndSocket() throws Exception {
    SqlSettings s =
        settings(DexSqlConfig.network(Dialect.MYSQL, json("{'host':'db','database':'dex'}")));
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:mariadb://db:3306/dex");
    assertThat(s.properties()).containsEntry("sslMode", "verify-full");
    assertThat(s.maxIdleConns()).isZero();

    SqlSettings socket =
        settings(
            DexSqlConfig.network(
                Dialect.MYSQL,
                json(
                    "{'host':'/run/mysqld/mysqld.sock','database':'dex','ssl':{'mode':'false'}}")));
    assertThat(socket.properties())
        .containsEntry("localSocket", "/run/mysqld/mysqld.sock")
        .containsEntry("sslMode", "disable");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // lib/pq (Dex): a host starting with '/' is the directory of <dir>/.s.PGSQL.<port>.
        "{'host':'/var/run/postgresql'}|/var/run/postgresql/.s.PGSQL.5432|5432",
        "{'host':'/var/run/postgresql/','port':5433}|/var/run/postgresql/.s.PGSQL.5433|5433",
        // Dex splits host:port before lib/pq sees the host, for a socket directory too.
        "{'host':'/tmp:6000','port':5433}|/tmp/.s.PGSQL.6000|6000",
        "{'HOST':'/run//pg/./x/../sock'}|/run/pg/sock/.s.PGSQL.5432|5432",
        "{'host':'/'}|/.s.PGSQL.5432|5432",
      })
  void postgresUnixSocket(String config, String socket, int port) throws Exception {
    SqlSettings s = settings(DexSqlConfig.network(Dialect.POSTGRES, json(config)));
    assertThat(s.properties())
        .containsEntry("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg")
        .containsEntry("socketFactoryArg", socket);
    // The URL's host is not dialled; the port stays so that the driver's own view agrees.
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + port + "/");
    assertThat(s.target()).isEqualTo("(default database) on unix socket " + socket);
  }

  @Test
  void postgresUnixSocketDisablesTlsAsLibPqDoes() throws Exception {
    SqlSettings s =
        settings(
            DexSqlConfig.network(
                Dialect.POSTGRES,
                json(
                    "{'host':'/var/run/postgresql','database':'dex','user':'dex',"
                        + "'password':'pw','connectionTimeout':3,'ssl':{'mode':'verify-full',"
                        + "'caFile':'/ca.pem','certFile':'/c.pem','keyFile':'/k.pem'}}")));
    assertThat(s.properties())
        .containsEntry("sslmode", "disable")
        .containsEntry("user", "dex")
        .containsEntry("password", "pw")
        .containsEntry("connectTimeout", "3")
        .containsEntry("socketTimeout", "30")
        .doesNotContainKeys("sslrootcert", "sslcert", "sslkey", "sslfactory");
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/dex");
    assertThat(s.target())
        .isEqualTo("dex on unix socket /var/run/postgresql/.s.PGSQL.5432")
        .doesNotContain("pw");
  }

  @Test
  void postgresTcpHostGetsNoSocketFactory() throws Exception {
    SqlSettings s =
        settings(DexSqlConfig.network(Dialect.POSTGRES, json("{'host':'db','database':'dex'}")));
    assertThat(s.properties()).doesNotContainKeys("socketFactory", "socketFactoryArg");
    assertThat(s.target()).isEqualTo("db:5432/dex");
  }

  @Test
  void mysqlUnixSocketIsTheFileAndIgnoresThePort() throws Exception {
    // Dex (go-sql-driver/mysql): Net "unix", Addr = host; the port field plays no part.
    SqlSettings s =
        settings(
            DexSqlConfig.network(
                Dialect.MYSQL,
                json("{'host':'/run/mysqld/mysqld.sock','port':3307,'database':'dex'}")));
    assertThat(s.properties())
        .containsEntry("localSocket", "/run/mysqld/mysqld.sock")
        .containsEntry("sslMode", "verify-full")
        .doesNotContainKeys("socketFactory", "socketFactoryArg");
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:mariadb://localhost:3306/dex");
    assertThat(s.target()).isEqualTo("dex on unix socket /run/mysqld/mysqld.sock");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'mode':'true'}|verify-full",
        "{'mode':'false'}|disable",
        "{'mode':'skip-verify'}|trust",
        "{'caFile':'/ca.pem','mode':'false'}|verify-full",
      })
  void mysqlSslModes(String ssl, String expected) throws Exception {
    SqlSettings s =
        settings(DexSqlConfig.network(Dialect.MYSQL, json("{'host':'db','ssl':" + ssl + "}")));
    assertThat(s.properties()).containsEntry("sslMode", expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "postgres|{'port':70000}|storage.config.port: must be between 1 and 65535",
        "postgres|{'port':'abc'}|storage.config.port: must be a whole number",
        "postgres|{'host':5}|storage.config.host: must be a string",
        "postgres|{'host':'/var/run/postgresql/.s.PGSQL.5432'}|storage.config.host: a PostgreSQL"
            + " unix socket host is the directory that holds .s.PGSQL.5432, not the socket file"
            + " itself; use /var/run/postgresql",
        "postgres|{'host':'/run/pg/.s.PGSQL.6000/'}|storage.config.host: a PostgreSQL unix socket"
            + " host is the directory that holds .s.PGSQL.6000, not the socket file itself; use"
            + " /run/pg with port 6000",
        "postgres|{'host':'/var/run/postgresql:0'}|storage.config.host: the port after ':'",
        "postgres|{'host':'/var/run/\\u0000pg'}|storage.config.host: is not a valid unix socket"
            + " directory: Nul character not allowed",
        "postgres|{'host':'/var/run/postgresql','ssl':{'mode':'on'}}|storage.config.ssl.mode:"
            + " must be one of",
        "postgres|{'host':'db:99999'}|storage.config.host: the port after ':'",
        "postgres|{'ssl':{'mode':'sometimes'}}|storage.config.ssl.mode: must be one of",
        "postgres|{'ssl':'on'}|storage.config.ssl: must be an object",
        "postgres|{'maxOpenConns':-1}|storage.config.maxOpenConns: must be between",
        "mysql|{'ssl':{'mode':'maybe'}}|storage.config.ssl.mode: must be one of true",
        "mysql|{'ssl':{'certFile':'/c.pem'}}|storage.config.ssl.certFile: client certificates",
        "mysql|{'connMaxLifetime':1.5}|storage.config.connMaxLifetime: must be a whole number",
      })
  void problemsNameTheKey(String type, String config, String problem) throws Exception {
    Dialect dialect = type.equals("mysql") ? Dialect.MYSQL : Dialect.POSTGRES;
    DexSqlConfig.Parsed parsed = DexSqlConfig.network(dialect, json(config));
    assertThat(parsed.settings()).isNull();
    assertThat(parsed.problems()).anySatisfy(p -> assertThat(p).startsWith(problem));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}|storage.config.file: required",
        "{'file':''}|storage.config.file: required",
        "{'file':42}|storage.config.file: must be a string",
      })
  void sqliteNeedsAFile(String config, String problem) throws Exception {
    DexSqlConfig.Parsed parsed = DexSqlConfig.sqlite(json(config));
    assertThat(parsed.problems())
        .containsExactly(
            problem.contains("required")
                ? "storage.config.file: required: the path of the SQLite database file"
                : problem);
  }

  @org.junit.jupiter.api.Test
  void sqliteFileIsCaseInsensitiveAndUsesOneConnection() throws Exception {
    SqlSettings s = settings(DexSqlConfig.sqlite(json("{'File':'/var/dex/dex.db'}")));
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/dex/dex.db");
    assertThat(s.maxOpenConns()).isEqualTo(1);
    assertThat(s.properties()).containsEntry("journal_mode", "WAL");
  }
}
