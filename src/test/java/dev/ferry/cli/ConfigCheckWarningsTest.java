package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.TrustChecks;
import dev.ferry.policy.CompiledTrust;
import dev.ferry.policy.TrustConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ferry config check} with warnings (issue 8): printed on stderr, the file still valid, and
 * {@code --strict} making them fail. The warnings come from a stand-in for the policy package's
 * checks so that the reporting is tested whatever those checks say.
 */
class ConfigCheckWarningsTest {
  @TempDir Path dir;

  private record Result(int status, String out, String err) {}

  /** The guide's shape: a GitHub Actions connector without a trust block, one client. */
  private static final String UNPROTECTED =
      """
      issuer: http://127.0.0.1:5556/dex
      storage: {type: memory}
      web: {http: 127.0.0.1:5556}
      connectors:
      - type: oidc
        id: github-actions
        name: GitHub Actions
        config:
          issuer: https://token.actions.githubusercontent.com
      staticClients:
      - {id: my-app, name: My app, secret: s}
      """;

  /** Warns about every connector without a trust block, and about nothing else. */
  private static final TrustChecks WARNING =
      standIn(
          key -> List.of(),
          (key, issuer, clientIds) ->
              Optional.of(key + ": shared issuer " + issuer.orElse("") + " " + clientIds));

  /**
   * Checks that compile every block with the problems {@code problems} gives for its key, and word
   * the shared-issuer warning as {@code unprotected} does.
   */
  private static TrustChecks standIn(
      Function<String, List<String>> problems, UnprotectedWarning unprotected) {
    return new TrustChecks() {
      @Override
      public CompiledTrust compile(String key, Optional<String> upstreamIssuer, TrustConfig trust) {
        return new CompiledTrust(Optional.empty(), problems.apply(key), List.of());
      }

      @Override
      public Optional<String> unprotectedIssuerWarning(
          String key, String connectorId, Optional<String> upstreamIssuer, List<String> clientIds) {
        return unprotected.warning(key, upstreamIssuer, clientIds);
      }
    };
  }

  private interface UnprotectedWarning {
    Optional<String> warning(String key, Optional<String> issuer, List<String> clientIds);
  }

  private Path config(String yaml) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private static Result check(TrustChecks checks, String... args) {
    ConfigCommand.Check command = new ConfigCommand.Check();
    command.trustChecks = checks;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        new CommandLine(command)
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void warningsArePrintedAndTheFileStaysValid() throws IOException {
    Path file = config(UNPROTECTED);

    Result result = check(WARNING, file.toString());

    assertThat(result.status()).isZero();
    assertThat(result.out()).isEqualTo(file + ": configuration is valid\n");
    assertThat(result.err())
        .isEqualTo(
            file
                + ": warning: connectors[0]: shared issuer"
                + " https://token.actions.githubusercontent.com [my-app]\n");
  }

  @Test
  void strictMakesWarningsFail() throws IOException {
    Path file = config(UNPROTECTED);

    Result result = check(WARNING, "--strict", file.toString());

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            file
                + ": warning: connectors[0]: shared issuer"
                + " https://token.actions.githubusercontent.com [my-app]\n"
                + "1 warning found (--strict)\n");
  }

  @ParameterizedTest
  @CsvSource({"--strict", "''"})
  void withoutWarningsStrictChangesNothing(String flag) throws IOException {
    Path file = config(UNPROTECTED);
    TrustChecks quiet = standIn(key -> List.of(), (key, issuer, clientIds) -> Optional.empty());

    Result result =
        flag.isEmpty() ? check(quiet, file.toString()) : check(quiet, flag, file.toString());

    assertThat(result.status()).isZero();
    assertThat(result.out()).isEqualTo(file + ": configuration is valid\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void warningsAndProblemsAreBothPrinted() throws IOException {
    // A storage config problem is found after loading (ConfigChecks), so the warnings are known.
    Path file =
        config(
            UNPROTECTED.replace(
                "storage: {type: memory}", "storage: {type: postgres, config: {port: 99999}}"));

    Result result = check(WARNING, "--strict", file.toString());

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith(file + ": warning: connectors[0]: shared issuer")
        .contains("\n" + file + ": ")
        .contains("port")
        .endsWith("1 problem found\n1 warning found (--strict)\n");
  }

  @Test
  void theCompilersProblemsAreReportedAsProblems() throws IOException {
    Path file =
        config(
            UNPROTECTED.replace(
                "  config:\n",
                "  trust:\n    rules:\n    - {name: r, condition: 'claims.x'}\n  config:\n"));
    TrustChecks failing =
        standIn(
            key -> List.of(key + ".rules[0].condition: must be a bool"),
            (key, issuer, clientIds) -> Optional.empty());

    Result result = check(failing, file.toString());

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            file
                + ": connectors[0].trust.rules[0].condition: must be a bool\n"
                + "1 problem found\n");
  }

  /** Through the real command line and the policy package's own warning. */
  @Test
  void theGuidesConfigWarnsAndFailsUnderStrict() throws IOException {
    Path file = config(UNPROTECTED);

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int lenient =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "config",
            "check",
            file.toString());
    assertThat(lenient).isZero();
    assertThat(out.toString()).contains("configuration is valid");
    assertThat(err.toString()).contains(": warning: connectors[0]").contains("my-app");

    int strict =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(new StringWriter(), true),
            "config",
            "check",
            "--strict",
            file.toString());
    assertThat(strict).isEqualTo(1);
  }

  /** issuerAlias is what tokens carry (Dex): naming a shared issuer there cannot dodge pinning. */
  @Test
  void aSharedIssuerNamedByIssuerAliasIsPinnedAndWarnedAboutToo() throws IOException {
    String head =
        """
        issuer: http://127.0.0.1:5556/dex
        storage: {type: memory}
        web: {http: 127.0.0.1:5556}
        staticClients:
        - {id: my-app, name: My app, secret: s}
        connectors:
        - type: oidc
          id: mirrored
          name: Mirrored
          config:
            issuer: https://gha-mirror.example.com
            issuerAlias: HTTPS://token.actions.githubusercontent.com/
        """;
    StringWriter unpinned = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(unpinned, true),
            "config",
            "check",
            config(
                    head
                        + """
                          trust:
                            rules:
                            - {name: anyone, condition: 'claims.ref == "refs/heads/main"'}
                        """)
                .toString());
    assertThat(status).isEqualTo(1);
    assertThat(unpinned.toString())
        .contains(
            "connectors[0].trust.rules[0].condition: rule \"anyone\" does not pin the tenant");

    StringWriter open = new StringWriter();
    Main.run(
        new PrintWriter(new StringWriter(), true),
        new PrintWriter(open, true),
        "config",
        "check",
        config(head).toString());
    assertThat(open.toString())
        .contains("warning: connectors[0]: connector \"mirrored\" trusts the shared issuer");
  }

  @Test
  void anAuditPathServeCouldNotOpenIsAProblem() throws IOException {
    String base =
        """
        issuer: http://127.0.0.1:5556/dex
        storage: {type: memory}
        web: {http: 127.0.0.1:5556}
        audit:
          path: %s
        """;
    for (Map.Entry<String, String> bad :
        Map.of(
                dir.toString(), "is a directory, not a file",
                dir.resolve("missing/audit.jsonl").toString(), "does not exist")
            .entrySet()) {
      StringWriter err = new StringWriter();
      int status =
          Main.run(
              new PrintWriter(new StringWriter(), true),
              new PrintWriter(err, true),
              "config",
              "check",
              config(base.formatted(bad.getKey())).toString());
      assertThat(status).isEqualTo(1);
      assertThat(err.toString()).contains(": audit.path: ").contains(bad.getValue());
    }
    int fine =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(new StringWriter(), true),
            "config",
            "check",
            config(base.formatted(dir.resolve("audit.jsonl"))).toString());
    assertThat(fine).isZero();
  }
}
