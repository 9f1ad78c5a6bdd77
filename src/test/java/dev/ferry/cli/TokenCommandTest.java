package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.server.RunningFerry;
import dev.ferry.testing.LoopbackHttpServer;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.workload.Workplace;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry token} end to end, in process ({@link Main#run(PrintWriter, PrintWriter, Workplace,
 * String...)} with an injected environment and clock), against a real Ferry and an in-process
 * upstream issuer: each output, the cache, and each failure as its one stderr line and exit status.
 */
class TokenCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "deployer-secret";

  @TempDir static Path dir;
  private static MutableClock clock;
  private static UpstreamIssuer upstream;
  private static RunningFerry ferry;
  private static Path auditFile;

  @TempDir Path cacheHome;
  private final Map<String, String> env = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    upstream = UpstreamIssuer.builder().clock(clock).userInfo(false).start();
    auditFile = dir.resolve("audit.jsonl");
    String yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: memory
        web:
          http: ${WEB}
        audit:
          path: %1$s
        connectors:
        - type: oidc
          id: ci
          name: CI
          config:
            issuer: %2$s
            scopes: [openid]
            userNameKey: sub
          trust:
            audiences: [ferry]
            rules:
            - name: octo-app
              condition: claims.repository == "octo/app"
        staticClients:
        - id: deployer
          name: Deployer
          secret: %3$s
        """
            .formatted(auditFile, upstream.issuer(), SECRET);
    ferry = RunningFerry.start(dir, yaml, clock);
  }

  @AfterAll
  static void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @BeforeEach
  void environment() {
    env.put("XDG_CACHE_HOME", cacheHome.toString());
    env.put("HOME", cacheHome.toString());
    env.put("DEPLOYER_SECRET", SECRET);
    env.put("CI_TOKEN", ciToken("octo/app"));
  }

  private static String ciToken(String repository) {
    return upstream
        .token()
        .subject("repo:" + repository)
        .audience("ferry")
        .claim("repository", repository)
        .build();
  }

  record Result(int status, String out, String err) {}

  private Result run(String... args) {
    return runWith(clock, new StringWriter(), args);
  }

  /** {@link #run} with another clock and standard output. */
  private Result runWith(Clock time, Writer stdout, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Writer both = stdout instanceof StringWriter ? out : stdout;
    int status =
        Main.run(
            new PrintWriter(both, true),
            new PrintWriter(err, true),
            new Workplace(env, time),
            args);
    Result result = new Result(status, out.toString(), err.toString());
    assertThat(result.err()).doesNotContain(SECRET);
    String platformToken = env.get("CI_TOKEN");
    if (platformToken != null) {
      assertThat(result.err()).doesNotContain(platformToken);
    }
    return result;
  }

  /** {@code ferry token} for the deployer through connector ci, then {@code more}. */
  private Result token(String... more) {
    return tokenAt(ferry.issuer, more);
  }

  /** {@link #token} of another issuer. */
  private Result tokenAt(String issuer, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "token",
                "--from",
                "env:CI_TOKEN",
                "--issuer",
                issuer,
                "--client-id",
                "deployer",
                "--client-secret-env",
                "DEPLOYER_SECRET",
                "--connector",
                "ci"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  /** The run failed with {@code status} and exactly one line on stderr, {@code error: ...}. */
  private static void assertFailed(Result result, int status, String message) {
    assertThat(result.status()).as(result.toString()).isEqualTo(status);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("error: " + message + "\n");
  }

  /** As above, for a message matching {@code regex} (after {@code error: }). */
  private static void assertFailedMatching(Result result, int status, String regex) {
    assertThat(result.status()).as(result.toString()).isEqualTo(status);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).hasLineCount(1).endsWith("\n").startsWith("error: ");
    assertThat(result.err().substring("error: ".length()).strip()).matches(regex);
    assertThat(result.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static JsonNode payload(String jwt) throws IOException {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  private static long exchanges() throws IOException {
    if (!Files.exists(auditFile)) {
      return 0;
    }
    return Files.readAllLines(auditFile, StandardCharsets.UTF_8).stream()
        .filter(line -> !line.isBlank())
        .count();
  }

  // ---- each output

  @Test
  void tokenPrintsFerrysTokenForTheWorkload() throws Exception {
    Result result = token("--no-cache");

    assertThat(result.status()).as(result.toString()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).endsWith("\n").hasLineCount(1);
    JsonNode claims = payload(result.out().strip());
    assertThat(claims.path("iss").asText()).isEqualTo(ferry.issuer);
    assertThat(claims.path("aud").asText()).isEqualTo("deployer");
  }

  @Test
  void jsonPrintsTheTokenResponse() throws Exception {
    Result result = token("--no-cache", "--output", "json");

    assertThat(result.status()).as(result.toString()).isZero();
    JsonNode response = JSON.readTree(result.out());
    assertThat(response.path("token_type").asText()).isEqualTo("bearer");
    assertThat(response.path("issued_token_type").asText())
        .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    long exp = payload(response.path("access_token").asText()).path("exp").asLong();
    assertThat(response.path("expires_in").asLong())
        .isEqualTo(exp - clock.instant().getEpochSecond());
  }

  @Test
  void envPrintsTheTokenAndItsExpiry() throws Exception {
    Result result = token("--no-cache", "--output", "env");

    assertThat(result.status()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("FERRY_TOKEN=");
    String token = lines.get(0).substring("FERRY_TOKEN=".length());
    Instant exp = Instant.ofEpochSecond(payload(token).path("exp").asLong());
    assertThat(lines.get(1))
        .isEqualTo("FERRY_TOKEN_EXPIRES_AT=" + DateTimeFormatter.ISO_INSTANT.format(exp));
  }

  @Test
  void execCredentialIsWhatKubectlReads() throws Exception {
    Result result = token("--no-cache", "--output", "exec-credential");

    assertThat(result.status()).as(result.toString()).isZero();
    JsonNode credential = JSON.readTree(result.out());
    assertThat(credential.path("apiVersion").asText()).isEqualTo("client.authentication.k8s.io/v1");
    assertThat(credential.path("kind").asText()).isEqualTo("ExecCredential");
    String token = credential.path("status").path("token").asText();
    Instant exp = Instant.ofEpochSecond(payload(token).path("exp").asLong());
    assertThat(credential.path("status").path("expirationTimestamp").asText())
        .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(exp));
  }

  // ---- the cache

  @Test
  void theSecondCallIsServedFromTheCacheAndNoCacheExchangesAgain() throws Exception {
    long before = exchanges();

    Result first = token("--output", "exec-credential");
    clock.advance(Duration.ofSeconds(30));
    Result second = token("--output", "exec-credential");

    assertThat(first.status()).as(first.toString()).isZero();
    assertThat(second.status()).as(second.toString()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(exchanges()).isEqualTo(before + 1);

    Result fresh = token("--output", "exec-credential", "--no-cache");

    assertThat(fresh.status()).as(fresh.toString()).isZero();
    assertThat(exchanges()).isEqualTo(before + 2);
  }

  @Test
  void aCachedJsonResponseTellsTheSecondsLeftNow() throws Exception {
    Result first = token("--output", "json");
    clock.advance(Duration.ofSeconds(100));
    Result second = token("--output", "json");

    assertThat(second.status()).as(second.toString()).isZero();
    assertThat(JSON.readTree(second.out()).path("access_token").asText())
        .isEqualTo(JSON.readTree(first.out()).path("access_token").asText());
    assertThat(JSON.readTree(second.out()).path("expires_in").asLong())
        .isEqualTo(JSON.readTree(first.out()).path("expires_in").asLong() - 100);
  }

  // ---- bad input, one line each

  @Test
  void aMissingPlatformVariableIsNamed() {
    env.remove("CI_TOKEN");

    Result result = token();

    assertFailedMatching(result, 3, ".*\\bCI_TOKEN\\b.*");
  }

  @Test
  void anExpiredPlatformTokenIsAnUpstreamTokenFailure() {
    env.put(
        "CI_TOKEN",
        upstream
            .token()
            .audience("ferry")
            .claim("repository", "octo/app")
            .expiresAt(clock.instant().minusSeconds(60))
            .build());

    Result result = token();

    assertFailedMatching(result, 3, ".*expired.*");
    assertThat(result.err()).doesNotContain(env.get("CI_TOKEN"));
  }

  @Test
  void aMalformedPlatformTokenIsAnUpstreamTokenFailure() {
    env.put("CI_TOKEN", "not-a-jwt-at-all");

    Result result = token();

    assertFailedMatching(result, 3, ".*not a JWT.*");
    assertThat(result.err()).doesNotContain("not-a-jwt-at-all");
  }

  @Test
  void anIssuerThatIsDownIsANetworkFailure() throws Exception {
    int port = RunningFerry.freePort();

    Result result = tokenAt("http://127.0.0.1:" + port + "/dex");

    assertFailed(
        result,
        5,
        "cannot reach http://127.0.0.1:"
            + port
            + "/dex/.well-known/openid-configuration: connection refused");
  }

  @Test
  void anIssuerThatIsNotFerryIsAnExchangeFailure() throws Exception {
    try (LoopbackHttpServer web =
        LoopbackHttpServer.start(
            "not-ferry", false, exchange -> reply(exchange, 404, "text/html", "<h1>nope</h1>"))) {
      Result result = tokenAt(web.baseUrl());

      assertFailed(
          result,
          4,
          web.baseUrl()
              + "/.well-known/openid-configuration answered HTTP 404, not an OpenID discovery"
              + " document: is --issuer right?");
    }
  }

  @Test
  void aTrustRuleRefusalShowsFerrysErrorAndRequestId() {
    env.put("CI_TOKEN", ciToken("evil/app"));

    Result result = token();

    assertFailedMatching(
        result,
        4,
        "access_denied: The subject token is not allowed by the connector's trust rules\\."
            + " \\(request id [^ ()]+\\)");
  }

  @Test
  void anExecCredentialForATokenWithoutAnExpiryIsAnOutputFailure() throws Exception {
    String[] issuer = new String[1];
    try (LoopbackHttpServer opaque =
        LoopbackHttpServer.start(
            "opaque",
            false,
            exchange -> {
              if (exchange.getRequestURI().getPath().endsWith("/openid-configuration")) {
                reply(
                    exchange,
                    200,
                    "application/json",
                    "{\"issuer\":\""
                        + issuer[0]
                        + "\",\"token_endpoint\":\""
                        + issuer[0]
                        + "/token\"}");
              } else {
                reply(
                    exchange,
                    200,
                    "application/json",
                    "{\"access_token\":\"opaque-access-token\",\"token_type\":\"bearer\"}");
              }
            })) {
      issuer[0] = opaque.baseUrl();

      Result result = tokenAt(issuer[0], "--output", "exec-credential");

      assertFailed(
          result,
          6,
          "the token has no expiry (the response has no expires_in and the token no exp), so"
              + " kubectl would keep it forever; an exec credential needs one");
      assertThat(result.err()).doesNotContain("opaque-access-token");
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void usageErrorsAreOneLineAndStatusTwo() {
    assertFailedMatching(
        run("token", "--from", "env:CI_TOKEN", "--client-id", "deployer"), 2, ".*--issuer.*");
    assertFailedMatching(token("--grant", "password"), 2, ".*password.*");
    assertFailedMatching(token("--output", "yaml"), 2, ".*yaml.*");
    env.remove("DEPLOYER_SECRET");
    assertFailed(
        token(), 2, "--client-secret-env names DEPLOYER_SECRET, which is not set or empty");
    env.put("DEPLOYER_SECRET", SECRET);
    assertFailed(
        token("--grant", "client-credentials", "--audience", "billing"),
        2,
        "--audience and --resource do not apply to --grant client-credentials: the token is the"
            + " client's own (its aud is the client)");
  }

  // ---- review fixes

  @Test
  void aFlagCombinationThatCannotWorkIsAUsageErrorBeforeTheSourceIsRead() {
    Result result =
        run(
            "token",
            "--from",
            "gitlab",
            "--issuer",
            ferry.issuer,
            "--client-id",
            "deployer",
            "--client-secret-env",
            "DEPLOYER_SECRET");

    assertFailed(
        result, 2, "--grant token-exchange needs --connector: Ferry has no default connector");
  }

  @Test
  void plainHttpToAnotherHostIsAUsageError() {
    assertFailed(
        tokenAt("http://ferry.example.com/dex"),
        2,
        "--issuer http://ferry.example.com/dex: use https: plain http is allowed only to a loopback"
            + " address");
  }

  @Test
  void aMistypedOptionNeverEchoesItsValue() {
    for (String[] typo :
        List.of(
            new String[] {"--client-secret=hunter2"},
            new String[] {"--client-secret", "hunter2"},
            new String[] {"--issuer=hunter2", "--issuer=hunter2"})) {
      Result result = token(typo);

      assertFailedMatching(result, 2, ".*");
      assertThat(result.err()).doesNotContain("hunter2");
    }
    assertFailed(
        token("--client-secret=hunter2"),
        2,
        "unknown option --client-secret (ferry token --help lists the flags)");
  }

  @Test
  void anUnexpectedFailureNamesOnlyItsClassWithStatusOne() {
    Clock broken =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            throw new IllegalStateException("a message quoting hunter2");
          }
        };
    List<String> args =
        List.of(
            "token",
            "--from",
            "env:CI_TOKEN",
            "--issuer",
            ferry.issuer,
            "--client-id",
            "deployer",
            "--client-secret-env",
            "DEPLOYER_SECRET",
            "--connector",
            "ci");

    Result result = runWith(broken, new StringWriter(), args.toArray(String[]::new));

    assertFailed(result, 1, "internal error (IllegalStateException)");
  }

  @Test
  void aGithubRequestTokenThatCannotBeAHeaderIsNeverPrinted() {
    env.put("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/x?api-version=2.0");
    env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "abc\u0001hunter3");

    Result result =
        run(
            "token",
            "--from",
            "github-actions",
            "--issuer",
            ferry.issuer,
            "--client-id",
            "deployer",
            "--connector",
            "ci",
            "--no-cache");

    assertFailed(
        result,
        3,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN is not a bearer token: it has a space, a control or a"
            + " non-ASCII character");
  }

  @Test
  void aTokenThatCannotBeWrittenIsAnOutputFailure() {
    Writer closed =
        new Writer() {
          @Override
          public void write(char[] buffer, int offset, int length) throws IOException {
            throw new IOException("broken pipe");
          }

          @Override
          public void flush() throws IOException {
            throw new IOException("broken pipe");
          }

          @Override
          public void close() {}
        };
    List<String> args =
        List.of(
            "token",
            "--from",
            "env:CI_TOKEN",
            "--issuer",
            ferry.issuer,
            "--client-id",
            "deployer",
            "--client-secret-env",
            "DEPLOYER_SECRET",
            "--connector",
            "ci",
            "--no-cache");

    Result result = runWith(clock, closed, args.toArray(String[]::new));

    assertFailed(result, 6, "cannot write the token to standard output");
  }

  @Test
  void autoSaysWhichPlatformOnlyWhenItAsksIt() {
    env.put("GITLAB_CI", "true");
    env.put("FERRY_ID_TOKEN", env.get("CI_TOKEN"));
    String[] args = {
      "token",
      "--issuer",
      ferry.issuer,
      "--client-id",
      "deployer",
      "--client-secret-env",
      "DEPLOYER_SECRET",
      "--connector",
      "ci"
    };

    Result miss = run(args);
    Result hit = run(args);

    assertThat(miss.status()).as(miss.toString()).isZero();
    assertThat(miss.err()).isEqualTo("ferry: --from auto: using gitlab (GITLAB_CI=true)\n");
    assertThat(hit.status()).as(hit.toString()).isZero();
    assertThat(hit.out()).isEqualTo(miss.out());
    assertThat(hit.err()).isEmpty();
  }

  @Test
  void everyInputThatShapesTheTokenIsItsOwnCacheEntry() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    String[] issuer = new String[1];
    try (LoopbackHttpServer counting =
        LoopbackHttpServer.start(
            "counting",
            false,
            exchange -> {
              if (exchange.getRequestURI().getPath().endsWith("/openid-configuration")) {
                reply(
                    exchange,
                    200,
                    "application/json",
                    "{\"issuer\":\""
                        + issuer[0]
                        + "\",\"token_endpoint\":\""
                        + issuer[0]
                        + "/token\"}");
              } else {
                reply(
                    exchange,
                    200,
                    "application/json",
                    "{\"access_token\":\"t"
                        + issued.incrementAndGet()
                        + "\",\"token_type\":\"bearer\",\"expires_in\":3600}");
              }
            })) {
      issuer[0] = counting.baseUrl();
      List<List<String>> variants =
          List.of(
              List.of(),
              List.of("--audience", "a b"),
              List.of("--audience", "a", "--audience", "b"),
              List.of("--scope", "openid"),
              List.of("--scope", "openid groups"),
              List.of("--requested-token-type", "id_token"),
              List.of("--client-id", "other"),
              List.of("--grant", "jwt-bearer", "--connector", "null"),
              List.of("--grant", "jwt-bearer"));
      List<String> tokens = new ArrayList<>();
      for (List<String> variant : variants) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "token",
                    "--from",
                    "env:CI_TOKEN",
                    "--issuer",
                    issuer[0],
                    "--client-secret-env",
                    "DEPLOYER_SECRET"));
        if (!variant.contains("--client-id")) {
          args.addAll(List.of("--client-id", "deployer"));
        }
        if (!variant.contains("--grant")) {
          args.addAll(List.of("--connector", "ci"));
        }
        args.addAll(variant);
        Result first = run(args.toArray(String[]::new));
        Result again = run(args.toArray(String[]::new));

        assertThat(first.status()).as(variant + ": " + first).isZero();
        assertThat(again.out()).as("%s is served from the cache", variant).isEqualTo(first.out());
        tokens.add(first.out());
      }

      assertThat(tokens).doesNotHaveDuplicates();
      assertThat(issued.get()).isEqualTo(variants.size());
    }
  }
}
