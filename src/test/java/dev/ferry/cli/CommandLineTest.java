package dev.ferry.cli;

import static dev.ferry.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.CliRun.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line as an operator meets it: every bad input ends with one clear line naming the
 * problem and a non-zero exit status, never a stack trace.
 */
class CommandLineTest {
  @TempDir Path dir;

  /** {@code serve} configures logging for the process; give the next tests their own back. */
  @AfterAll
  static void restoreTestLogging() throws Exception {
    CliRun.restoreTestLogging();
  }

  private Path config(String yaml) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private static String minimal(String storageType, String web) {
    return """
    issuer: http://127.0.0.1:5556/dex
    storage:
      type: %s
    web:
      http: %s
    """
        .formatted(storageType, web);
  }

  private static void assertNoStackTrace(Result result) {
    assertThat(result.err()).doesNotContain("\tat ", "Exception:", "Caused by");
  }

  @Test
  void versionPrintsTheVersion() {
    Result result = run("version");
    assertThat(result.status()).isZero();
    assertThat(result.out()).startsWith("Ferry Version: ");
  }

  @Test
  void missingConfigFileIsOneClearLine() {
    Result result = run("serve", dir.resolve("nope.yaml").toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains("nope.yaml").startsWith("ferry: ");
    assertNoStackTrace(result);
  }

  @Test
  void configCheckPrintsEveryProblemAndExitsOne() throws IOException {
    Path file =
        config(
            """
            storage:
              type: nosuchdb
            staticClients:
            - id: a
            """);
    Result result = run("config", "check", file.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err())
        .contains("no issuer specified in config file")
        .contains("storage")
        .contains("staticClients[0]")
        .contains("HTTP/HTTPS");
    assertNoStackTrace(result);
  }

  @Test
  void configCheckPassesDexStyleExample() {
    Result result = run("config", "check", "--strict", "examples/config-dev.yaml");
    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out()).contains("configuration is valid");
    assertThat(result.err()).doesNotContain("warning");
  }

  @Test
  void configCheckReportsConnectorAndStorageConfigProblems() throws IOException {
    Path file =
        config(
            """
            issuer: http://127.0.0.1:5556/dex
            storage:
              type: postgres
              config:
                port: 99999
            web:
              http: 127.0.0.1:5556
            connectors:
            - type: oidc
              id: ci
              name: CI
              config:
                scopes: notalist
            """);
    Result result = run("config", "check", file.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).contains("port").contains("connectors[0].config");
  }

  @ParameterizedTest
  @CsvSource({"etcd, not supported", "kubernetes, not supported", "mongo, storage"})
  void storageFerryCannotServeEndsServeWithOneLine(String type, String expected)
      throws IOException {
    Result result = run("serve", config(minimal(type, "127.0.0.1:0")).toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).startsWith("ferry: ").contains(expected);
    assertNoStackTrace(result);
  }

  @Test
  void portInUseEndsServeWithOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      Result result = run("serve", config(minimal("memory", address)).toString());
      assertThat(result.status()).isEqualTo(1);
      assertThat(result.err()).startsWith("ferry: ").contains(address);
      assertNoStackTrace(result);
    }
  }

  @Test
  void badTlsFilesEndServeWithOneLine() throws IOException {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, "not a certificate");
    Files.writeString(key, "not a key");
    String yaml =
        """
        issuer: https://127.0.0.1:5554/dex
        storage:
          type: memory
        web:
          https: 127.0.0.1:0
          tlsCert: %s
          tlsKey: %s
        """
            .formatted(cert, key);
    Result result = run("serve", config(yaml).toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).startsWith("ferry: ").contains("TLS");
    assertNoStackTrace(result);
  }

  @Test
  void corruptSqliteFileEndsServeWithOneLineAndIsLeftAlone() throws IOException {
    Path db = dir.resolve("ferry.db");
    byte[] garbage =
        "this is not a sqlite database, but it is somebody's file"
            .repeat(100)
            .getBytes(StandardCharsets.UTF_8);
    Files.write(db, garbage);
    String yaml =
        """
        issuer: http://127.0.0.1:5556/dex
        storage:
          type: sqlite3
          config:
            file: %s
        web:
          http: 127.0.0.1:0
        """
            .formatted(db);
    Result result = run("serve", config(yaml).toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).startsWith("ferry: ").contains(db.toString());
    assertNoStackTrace(result);
    assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
  }
}
