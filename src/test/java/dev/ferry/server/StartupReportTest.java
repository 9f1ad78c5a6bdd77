package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.TrustChecks;
import dev.ferry.policy.CompiledTrust;
import dev.ferry.policy.TrustConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What {@code serve} says about the configuration at start-up. */
class StartupReportTest {
  @TempDir Path dir;

  private List<ILoggingEvent> report(String clients, Map<String, String> env) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(
        file,
        """
        issuer: http://127.0.0.1:5556/dex
        storage: {type: memory}
        web: {http: 127.0.0.1:5556}
        staticClients:
        """
            + clients);
    return logged(new ConfigLoader(env).load(file));
  }

  private static List<ILoggingEvent> logged(FerryConfig config) {
    Logger logger = (Logger) LoggerFactory.getLogger(StartupReport.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      StartupReport.log(config, "test provider");
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list;
  }

  /** Warnings about clients (the grant-type warnings have a test of their own). */
  private static List<String> warnings(List<ILoggingEvent> events) {
    return allWarnings(events).stream().filter(w -> !w.contains("grant_type=")).toList();
  }

  private static List<String> allWarnings(List<ILoggingEvent> events) {
    return events.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(e ->
            e.getFormattedMessage()
                + " "
                + e.getKeyValuePairs().stream()
                    .map(kv -> kv.key + "=" + kv.value)
                    .collect(Collectors.joining(" ")))
        .toList();
  }

  @Test
  void aSecretEnvThatIsUnsetIsCalledOut() throws Exception {
    // Dex reads an unset secretEnv as "": the confidential client then authenticates with no
    // secret at all. Ferry does the same, for compatibility, but says so (fail-open config).
    List<ILoggingEvent> events =
        report(
            """
            - id: ci
              name: CI
              secretEnv: CI_CLIENT_SECRET
            - idEnv: OTHER_CLIENT_ID
              name: Other
              secret: s
            - id: set
              name: Set
              secretEnv: SET_SECRET
            - id: pub
              name: Public
              public: true
            """,
            Map.of("SET_SECRET", "x"));
    assertThat(warnings(events))
        .containsExactly(
            "static client secretEnv names an unset or empty variable: the client authenticates"
                + " without a secret client_name=CI env=CI_CLIENT_SECRET",
            "static client idEnv names an unset or empty variable: the client id is empty"
                + " client_name=Other env=OTHER_CLIENT_ID");
  }

  @Test
  void setVariablesAreQuiet() throws Exception {
    List<ILoggingEvent> events =
        report(
            """
            - idEnv: CI_CLIENT_ID
              name: CI
              secretEnv: CI_CLIENT_SECRET
            """,
            Map.of("CI_CLIENT_ID", "ci", "CI_CLIENT_SECRET", "s3cret"));
    assertThat(warnings(events)).isEmpty();
  }

  @Test
  void enabledGrantTypesThatAreNotServedYetAreCalledOut() throws Exception {
    // No oauth2 section: Dex's binary enables authorization_code, refresh_token, device_code and
    // token exchange; all but device_code are served so far, and serve must say so.
    List<String> warnings =
        allWarnings(
            report(
                """
                - id: pub
                  name: Public
                  public: true
                """,
                Map.of()));
    assertThat(warnings.stream().filter(w -> w.contains("not served by Ferry yet")))
        .hasSize(1)
        .anySatisfy(
            w -> assertThat(w).contains("grant_type=urn:ietf:params:oauth:grant-type:device_code"))
        .noneSatisfy(w -> assertThat(w).contains("token-exchange"));
  }

  /** The guide's shape: a GitHub Actions connector without a trust block (issue 8). */
  private static final String UNPROTECTED =
      """
      issuer: http://127.0.0.1:5556/dex
      storage: {type: memory}
      web: {http: 127.0.0.1:5556}
      connectors:
      - type: oidc
        id: github-actions
        name: GitHub Actions
        config: {issuer: https://token.actions.githubusercontent.com}
      - type: oidc
        id: guarded
        name: Guarded
        config: {issuer: https://gitlab.com}
        trust:
          rules:
          - {name: r, condition: 'claims.namespace_path == "team"'}
      staticClients:
      - {id: my-app, name: My app, secret: s}
      """;

  /** The Dex guide's config: one GitHub Actions connector, no trust block. */
  private static final String GUIDE =
      """
      issuer: http://127.0.0.1:5556/dex
      storage: {type: memory}
      web: {http: 127.0.0.1:5556}
      connectors:
      - type: oidc
        id: github-actions
        name: GitHub Actions
        config: {issuer: https://token.actions.githubusercontent.com}
      staticClients:
      - {id: my-app, name: My app, secret: s}
      """;

  private FerryConfig load(String yaml, TrustChecks checks) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of(), ConnectorSetup.knownTypes(), checks).load(file);
  }

  private static List<String> configWarnings(List<ILoggingEvent> events) {
    return allWarnings(events).stream().filter(w -> w.startsWith("config warning ")).toList();
  }

  @Test
  void everyConfigWarningIsLoggedAtWarn() throws Exception {
    TrustChecks checks =
        new TrustChecks() {
          @Override
          public CompiledTrust compile(
              String key, Optional<String> upstreamIssuer, TrustConfig trust) {
            return new CompiledTrust(
                Optional.empty(), List.of(), List.of(key + ".rules[0].condition: mutable claim"));
          }

          @Override
          public Optional<String> unprotectedIssuerWarning(
              String key,
              String connectorId,
              Optional<String> upstreamIssuer,
              List<String> clientIds) {
            return Optional.of(key + ": " + connectorId + " is open to " + clientIds);
          }
        };

    List<String> warnings = configWarnings(logged(load(UNPROTECTED, checks)));

    assertThat(warnings)
        .containsExactly(
            "config warning warning=connectors[0]: github-actions is open to [my-app]",
            "config warning warning=connectors[1].trust.rules[0].condition: mutable claim");
  }

  /** With the policy package's own words. */
  @Test
  void theGuidesConfigIsWarnedAboutAtStartUp() throws Exception {

    List<String> warnings = configWarnings(logged(load(GUIDE, TrustChecks.policy())));

    assertThat(warnings)
        .anySatisfy(w ->
            assertThat(w).startsWith("config warning warning=connectors[0]").contains("my-app"));
  }
}
