package dev.ferry.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import dev.ferry.testing.LoopbackHttpServer;
import dev.ferry.testing.MutableClock;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
  private static final SourceOptions DEFAULTS = new SourceOptions(null, null, null);
  private static final String REQUEST_TOKEN = "runner-request-token-xyz";

  private final MutableClock clock = MutableClock.atFixedStart();
  private final List<String> notices = new ArrayList<>();
  private final String token = Jwts.expiringAt(clock.instant().plusSeconds(600), "job");

  @TempDir Path dir;

  private Workplace place(Map<String, String> env) {
    return new Workplace(env, clock);
  }

  private TokenSource resolve(String from, SourceOptions options, Map<String, String> env)
      throws WorkloadException {
    return Sources.resolve(from, options, place(env), notices::add);
  }

  private static void assertFailure(ThrowingCallable call, Failure failure, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            WorkloadException.class, e -> assertThat(e.failure()).isEqualTo(failure))
        .hasMessage(message);
  }

  // --- GitHub Actions -------------------------------------------------------------------------

  /** A runner's token endpoint: the bearer and the audience must be right, else 401 / 400. */
  private static final class Runner implements AutoCloseable {
    final List<String> audiences = new CopyOnWriteArrayList<>();
    final LoopbackHttpServer server;
    volatile int status = 200;
    volatile String body;

    Runner(String body) throws IOException {
      this.body = body;
      this.server = LoopbackHttpServer.start("runner", false, this::handle);
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        Map<String, String> params = new HashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
          int eq = pair.indexOf('=');
          params.put(
              pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        int answer;
        byte[] bytes = new byte[0];
        if (!("bearer " + REQUEST_TOKEN)
            .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
          answer = 401;
        } else if (!"2.0".equals(params.get("api-version")) || !params.containsKey("audience")) {
          answer = 400;
        } else {
          audiences.add(params.get("audience"));
          answer = status;
          bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(answer, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    }

    Map<String, String> env() {
      return Map.of(
          "ACTIONS_ID_TOKEN_REQUEST_URL",
          server.baseUrl() + "/_apis/idtoken?api-version=2.0",
          "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
          REQUEST_TOKEN);
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static SourceOptions audience(String aud) {
    return new SourceOptions(aud, null, null);
  }

  @Test
  void githubActionsAsksTheRunnerWithTheBearerAndTheAudience() throws Exception {
    try (Runner runner = new Runner("{\"value\":\"" + token + "\"}")) {
      TokenSource source = resolve("github-actions", audience("ferry & co"), runner.env());

      UpstreamToken fetched = source.fetch();

      assertThat(fetched.value()).isEqualTo(token);
      assertThat(fetched.source()).isEqualTo("github-actions");
      assertThat(runner.audiences).containsExactly("ferry & co");
      assertThat(source.name()).isEqualTo("github-actions");
    }
  }

  @Test
  void githubActionsRunnerRefusesAWrongBearerAndTheStatusIsShownWithoutTheRequestToken()
      throws Exception {
    try (Runner runner = new Runner("{\"value\":\"" + token + "\"}")) {
      Map<String, String> env = new HashMap<>(runner.env());
      env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "someone-else");
      TokenSource source = resolve("github-actions", audience("ferry"), env);

      assertFailure(
          source::fetch,
          Failure.UPSTREAM_TOKEN,
          "the GitHub Actions token endpoint ("
              + runner.server.baseUrl()
              + ") answered HTTP 401, not a token");
      assertThat(runner.audiences).isEmpty();
    }
  }

  @Test
  void githubActionsAddsTheAudienceToAUrlWithoutAQuery() throws Exception {
    try (Runner runner = new Runner("{\"value\":\"" + token + "\"}")) {
      Map<String, String> env = new HashMap<>(runner.env());
      // No api-version: the stand-in refuses that with 400, which proves the query was built.
      env.put("ACTIONS_ID_TOKEN_REQUEST_URL", runner.server.baseUrl() + "/_apis/idtoken");
      assertFailure(
          resolve("github-actions", audience("ferry"), env)::fetch,
          Failure.UPSTREAM_TOKEN,
          "the GitHub Actions token endpoint ("
              + runner.server.baseUrl()
              + ") answered HTTP 400, not a token");
      env.put(
          "ACTIONS_ID_TOKEN_REQUEST_URL",
          runner.server.baseUrl() + "/_apis/idtoken?api-version=2.0&");
      assertThat(resolve("github-actions", audience("a/b"), env).fetch().value()).isEqualTo(token);
      assertThat(runner.audiences).containsExactly("a/b");
    }
  }

  @Test
  void githubActionsEndpointAnswersThatAreNotATokenAreUpstreamTokenErrors() throws Exception {
    try (Runner runner = new Runner("not json")) {
      TokenSource source = resolve("github-actions", audience("ferry"), runner.env());
      String endpoint = "the GitHub Actions token endpoint (" + runner.server.baseUrl() + ")";

      assertFailure(
          source::fetch, Failure.UPSTREAM_TOKEN, endpoint + " did not answer a JSON object");
      runner.body = "{\"count\":1}";
      assertFailure(
          source::fetch,
          Failure.UPSTREAM_TOKEN,
          endpoint + " answered JSON without a \"value\" string");
      runner.body = "{\"value\":\"not-a-jwt\"}";
      assertFailure(
          source::fetch, Failure.UPSTREAM_TOKEN, "the token from github-actions is not a JWT");
      runner.status = 500;
      assertFailure(
          source::fetch, Failure.UPSTREAM_TOKEN, endpoint + " answered HTTP 500, not a token");
    }
  }

  @Test
  void githubActionsUnreachableEndpointSaysWhyInPlainWords() throws Exception {
    String base;
    try (Runner runner = new Runner("{}")) {
      base = runner.server.baseUrl();
    }
    for (String[] endpoint :
        new String[][] {{base, "connection refused"}, {"http://runner.invalid", "unknown host"}}) {
      Map<String, String> env =
          Map.of(
              "ACTIONS_ID_TOKEN_REQUEST_URL",
              endpoint[0] + "/x?api-version=2.0",
              "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
              REQUEST_TOKEN);
      assertFailure(
          resolve("github-actions", audience("ferry"), env)::fetch,
          Failure.UPSTREAM_TOKEN,
          "could not reach the GitHub Actions token endpoint ("
              + endpoint[0]
              + "): "
              + endpoint[1]);
    }
    assertThat(
            GithubActionsSource.unreachable(
                new java.io.IOException(new java.net.http.HttpConnectTimeoutException("x"))))
        .isEqualTo("timed out");
    assertThat(GithubActionsSource.unreachable(new javax.net.ssl.SSLHandshakeException("PKIX")))
        .isEqualTo("TLS failed");
    assertThat(GithubActionsSource.unreachable(new java.io.IOException("reset")))
        .isEqualTo("the connection failed");
  }

  @Test
  void githubActionsUnreachableOrSilentEndpointFailsWithinTheTimeout() throws Exception {
    String base;
    try (Runner runner = new Runner("{}")) {
      base = runner.server.baseUrl();
    }
    Map<String, String> env =
        Map.of(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            base + "/x?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            REQUEST_TOKEN);
    assertThatThrownBy(resolve("github-actions", audience("ferry"), env)::fetch)
        .isInstanceOfSatisfying(
            WorkloadException.class, e -> assertThat(e.failure()).isEqualTo(Failure.UPSTREAM_TOKEN))
        .hasMessageStartingWith(
            "could not reach the GitHub Actions token endpoint (" + base + "): ")
        .hasMessageNotContaining(REQUEST_TOKEN);

    try (LoopbackHttpServer silent =
        LoopbackHttpServer.start(
            "silent",
            false,
            exchange -> {
              try {
                Thread.sleep(Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })) {
      Map<String, String> silentEnv =
          Map.of(
              "ACTIONS_ID_TOKEN_REQUEST_URL",
              silent.baseUrl() + "/x?api-version=2.0",
              "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
              REQUEST_TOKEN);
      TokenSource source =
          Sources.resolve(
              "github-actions",
              audience("ferry"),
              place(silentEnv),
              notices::add,
              Duration.ofMillis(300));
      assertFailure(
          source::fetch,
          Failure.UPSTREAM_TOKEN,
          "the GitHub Actions token endpoint ("
              + silent.baseUrl()
              + ") did not answer within 300 ms");
    }
  }

  @Test
  void githubActionsEndpointThatSendsHeadersAndThenStallsFailsWithinTheTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (LoopbackHttpServer stalling =
        LoopbackHttpServer.start(
            "stalling",
            false,
            exchange -> {
              exchange.sendResponseHeaders(200, 0);
              exchange.getResponseBody().write("{\"value\":\"".getBytes(StandardCharsets.UTF_8));
              exchange.getResponseBody().flush();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              exchange.close();
            })) {
      try {
        TokenSource source =
            Sources.resolve(
                "github-actions",
                audience("ferry"),
                place(
                    Map.of(
                        "ACTIONS_ID_TOKEN_REQUEST_URL",
                        stalling.baseUrl() + "/x?api-version=2.0",
                        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                        REQUEST_TOKEN)),
                notices::add,
                Duration.ofMillis(300));
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                assertFailure(
                    source::fetch,
                    Failure.UPSTREAM_TOKEN,
                    "the GitHub Actions token endpoint ("
                        + stalling.baseUrl()
                        + ") did not answer within 300 ms"));
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void githubActionsRequestTokenThatCannotBeAHeaderIsRefusedWithoutShowingIt() throws Exception {
    for (String bad : List.of("abc\u0001hunter3", "abc hunter3", "abc\u00e9hunter3")) {
      Map<String, String> env =
          Map.of(
              "ACTIONS_ID_TOKEN_REQUEST_URL",
              "http://127.0.0.1:9/x?api-version=2.0",
              "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
              bad);
      assertFailure(
          resolve("github-actions", audience("ferry"), env)::fetch,
          Failure.UPSTREAM_TOKEN,
          "ACTIONS_ID_TOKEN_REQUEST_TOKEN is not a bearer token: it has a space, a control or a"
              + " non-ASCII character");
    }
  }

  @Test
  void githubActionsWithoutItsVariablesNamesThemAndThePermission() throws Exception {
    String fix =
        " not set: give the job `permissions: id-token: write` (GitHub gives no OIDC token to"
            + " pull requests from forks)";
    assertFailure(
        resolve("github-actions", audience("ferry"), Map.of())::fetch,
        Failure.UPSTREAM_TOKEN,
        "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are" + fix);
    assertFailure(
        resolve(
                "github-actions",
                audience("ferry"),
                Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", "https://runner.example/x?api-version=2.0"))
            ::cacheIdentity,
        Failure.UPSTREAM_TOKEN,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN is" + fix);
    assertFailure(
        resolve(
                "github-actions",
                audience("ferry"),
                Map.of(
                    "ACTIONS_ID_TOKEN_REQUEST_URL",
                    "file:///etc/passwd",
                    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                    REQUEST_TOKEN))
            ::fetch,
        Failure.UPSTREAM_TOKEN,
        "ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL");
  }

  @Test
  void githubActionsCacheIdentityNeedsNoNetworkAndFollowsUrlAudienceAndRequestToken()
      throws Exception {
    Map<String, String> env =
        Map.of(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "http://127.0.0.1:9/unreachable?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            REQUEST_TOKEN);
    String identity = resolve("github-actions", audience("ferry"), env).cacheIdentity();

    assertThat(identity).matches("[0-9a-f]{64}").doesNotContain(REQUEST_TOKEN);
    assertThat(resolve("github-actions", audience("ferry"), env).cacheIdentity())
        .isEqualTo(identity);
    assertThat(resolve("github-actions", audience("other"), env).cacheIdentity())
        .isNotEqualTo(identity);
    Map<String, String> otherJob = new HashMap<>(env);
    otherJob.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "another-job");
    assertThat(resolve("github-actions", audience("ferry"), otherJob).cacheIdentity())
        .isNotEqualTo(identity);
  }

  // --- GitLab, CircleCI, env: ----------------------------------------------------------------

  @Test
  void gitlabReadsFerryIdTokenOrTheNamedVariable() throws Exception {
    UpstreamToken fetched =
        resolve("gitlab", DEFAULTS, Map.of("FERRY_ID_TOKEN", token + "\n")).fetch();
    assertThat(fetched.value()).isEqualTo(token);
    assertThat(fetched.source()).isEqualTo("gitlab (FERRY_ID_TOKEN)");

    SourceOptions named = new SourceOptions(null, "MY_TOKEN", null);
    assertThat(resolve("gitlab", named, Map.of("MY_TOKEN", token)).fetch().value())
        .isEqualTo(token);
  }

  @Test
  void gitlabWithoutTheVariableSaysToDeclareItUnderIdTokens() {
    assertFailure(
        () -> resolve("gitlab", DEFAULTS, Map.of()).fetch(),
        Failure.UPSTREAM_TOKEN,
        "FERRY_ID_TOKEN is not set: declare it under the job's `id_tokens:` with `aud:`"
            + " (id_tokens: FERRY_ID_TOKEN: aud: ...), or name another variable with --token-env");
    assertFailure(
        () ->
            resolve(
                    "gitlab",
                    new SourceOptions(null, "CI_JOB_JWT_V2", null),
                    Map.of("CI_JOB_JWT_V2", " "))
                .cacheIdentity(),
        Failure.UPSTREAM_TOKEN,
        "CI_JOB_JWT_V2 is not set: declare it under the job's `id_tokens:` with `aud:`"
            + " (id_tokens: CI_JOB_JWT_V2: aud: ...)");
  }

  @Test
  void circleciReadsItsVariableAndSaysItNeedsAContext() throws Exception {
    assertThat(resolve("circleci", DEFAULTS, Map.of("CIRCLE_OIDC_TOKEN_V2", token)).fetch().value())
        .isEqualTo(token);
    assertFailure(
        () -> resolve("circleci", DEFAULTS, Map.of("CIRCLE_OIDC_TOKEN", token)).fetch(),
        Failure.UPSTREAM_TOKEN,
        "CIRCLE_OIDC_TOKEN_V2 is not set: CircleCI sets it in jobs that use a context");
  }

  @Test
  void envReadsTheNamedVariable() throws Exception {
    UpstreamToken fetched =
        resolve("env:PLATFORM_JWT", DEFAULTS, Map.of("PLATFORM_JWT", token)).fetch();
    assertThat(fetched.value()).isEqualTo(token);
    assertThat(fetched.source()).isEqualTo("env (PLATFORM_JWT)");
    assertFailure(
        () -> resolve("env:PLATFORM_JWT", DEFAULTS, Map.of()).fetch(),
        Failure.UPSTREAM_TOKEN,
        "PLATFORM_JWT is not set: --from env:PLATFORM_JWT reads the token from it");
  }

  @Test
  void localSourcesCacheIdentityIsTheTokensHash() throws Exception {
    String other = Jwts.expiringAt(clock.instant().plusSeconds(600), "other-job");
    String identity = resolve("gitlab", DEFAULTS, Map.of("FERRY_ID_TOKEN", token)).cacheIdentity();

    assertThat(identity).isEqualTo(TokenCache.key(List.of(token)));
    assertThat(resolve("env:X", DEFAULTS, Map.of("X", token + "\n")).cacheIdentity())
        .isEqualTo(identity);
    assertThat(resolve("gitlab", DEFAULTS, Map.of("FERRY_ID_TOKEN", other)).cacheIdentity())
        .isNotEqualTo(identity);
  }

  // --- Kubernetes and file: -------------------------------------------------------------------

  /** The kubelet's projected-volume layout: token -> ..data/token, ..data -> ..<timestamp>. */
  private Path kubeletVolume(String first) throws IOException {
    Path volume = Files.createDirectory(dir.resolve("serviceaccount"));
    writeGeneration(volume, "..2026_01_01_00_00_00.000000001", first);
    Files.createSymbolicLink(volume.resolve("token"), Path.of("..data/token"));
    return volume;
  }

  private static void writeGeneration(Path volume, String generation, String content)
      throws IOException {
    Path data = Files.createDirectory(volume.resolve(generation));
    Files.writeString(data.resolve("token"), content);
    // The kubelet swaps ..data atomically: a new link renamed over the old one.
    Path link = Files.createSymbolicLink(volume.resolve("..data_tmp"), Path.of(generation));
    Files.move(link, volume.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void kubernetesFollowsTheKubeletsSymlinksAndRereadsTheRotatedToken() throws Exception {
    Path volume = kubeletVolume(token);
    SourceOptions options = new SourceOptions(null, null, volume.resolve("token"));
    TokenSource source = resolve("kubernetes", options, Map.of());
    String identity = source.cacheIdentity();

    assertThat(source.fetch().value()).isEqualTo(token);
    assertThat(source.fetch().source()).isEqualTo("kubernetes (" + volume.resolve("token") + ")");

    String rotated = Jwts.expiringAt(clock.instant().plusSeconds(3600), "rotated");
    writeGeneration(volume, "..2026_01_01_00_50_00.000000002", rotated);

    assertThat(source.fetch().value()).isEqualTo(rotated);
    assertThat(source.cacheIdentity()).isNotEqualTo(identity);
    assertThat(source.cacheIdentity()).isEqualTo(TokenCache.key(List.of(rotated)));
  }

  @Test
  void kubernetesWithoutTheFileSaysToMountAProjectedVolume() throws Exception {
    Path missing = dir.resolve("nothing/token");
    assertFailure(
        () -> resolve("kubernetes", new SourceOptions(null, null, missing), Map.of()).fetch(),
        Failure.UPSTREAM_TOKEN,
        "no token file at "
            + missing
            + ": mount a projected `serviceAccountToken` volume with an `audience` there");
    Path unreadable = Files.createDirectory(dir.resolve("a-directory"));
    assertFailure(
        () -> resolve("kubernetes", new SourceOptions(null, null, unreadable), Map.of()).fetch(),
        Failure.UPSTREAM_TOKEN,
        "the token file "
            + unreadable
            + " is not a regular file: mount a projected `serviceAccountToken` volume with an"
            + " `audience` there");
  }

  @Test
  void kubernetesDefaultPathIsNamedInTheMessage() {
    // This machine is no pod: the default service-account path does not exist here.
    org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Sources.DEFAULT_TOKEN_FILE));
    assertFailure(
        () -> resolve("kubernetes", DEFAULTS, Map.of()).cacheIdentity(),
        Failure.UPSTREAM_TOKEN,
        "no token file at /var/run/secrets/kubernetes.io/serviceaccount/token: mount a projected"
            + " `serviceAccountToken` volume with an `audience` there, or point --token-file at"
            + " one");
  }

  @Test
  void fileReadsThePathAndNamesItWhenMissing() throws Exception {
    Path file = Files.writeString(dir.resolve("token.jwt"), "  " + token + "\r\n");
    UpstreamToken fetched = resolve("file:" + file, DEFAULTS, Map.of()).fetch();
    assertThat(fetched.value()).isEqualTo(token);
    assertThat(fetched.source()).isEqualTo("file (" + file + ")");

    Path missing = dir.resolve("missing.jwt");
    assertFailure(
        () -> resolve("file:" + missing, DEFAULTS, Map.of()).fetch(),
        Failure.UPSTREAM_TOKEN,
        "no token file at " + missing + ": check the path given with --from file:" + missing);
  }

  @Test
  void aFifoIsNotReadButRefusedAsNotARegularFile() throws Exception {
    Path fifo = dir.resolve("token.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    TokenSource source = resolve("file:" + fifo, DEFAULTS, Map.of());
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertFailure(
                source::fetch,
                Failure.UPSTREAM_TOKEN,
                "the token file "
                    + fifo
                    + " is not a regular file: check the path given with --from file:"
                    + fifo));
  }

  // --- Buildkite ------------------------------------------------------------------------------

  /** A stand-in {@code buildkite-agent} on its own PATH directory, running {@code script}. */
  private Map<String, String> fakeAgent(String script) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path agent = bin.resolve("buildkite-agent");
    Files.writeString(agent, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
    return Map.of(
        "PATH", dir.resolve("empty") + ":" + bin + ":/usr/bin:/bin",
        "BUILDKITE_JOB_ID", "job-1",
        "BUILDKITE_AGENT_ACCESS_TOKEN", "agent-secret");
  }

  @Test
  void buildkiteRunsTheAgentFromTheJobsPathWithTheJobsEnvironment() throws Exception {
    Map<String, String> env =
        fakeAgent(
            "[ \"$1 $2 $3 $4\" = \"oidc request-token --audience ferry\" ] || exit 9\n"
                + "[ \"$BUILDKITE_AGENT_ACCESS_TOKEN\" = agent-secret ] || exit 8\n"
                + "printf '%s\\n' '"
                + token
                + "'");
    TokenSource source = resolve("buildkite", audience("ferry"), env);

    UpstreamToken fetched = source.fetch();

    assertThat(fetched.value()).isEqualTo(token);
    assertThat(fetched.source()).isEqualTo("buildkite");
    assertThat(source.cacheIdentity())
        .isEqualTo(TokenCache.key(List.of("job-1", "aud:ferry")))
        .isNotEqualTo(resolve("buildkite", audience("other"), env).cacheIdentity());
  }

  @Test
  void buildkiteAgentFailureShowsItsFirstStderrLineWithoutAToken() throws Exception {
    Map<String, String> env =
        fakeAgent(
            "printf '\\n\\033[31mError: forbidden for %s\\033[0m\\nsecond line\\n' '"
                + token
                + "' >&2\nexit 3");
    assertFailure(
        resolve("buildkite", audience("ferry"), env)::fetch,
        Failure.UPSTREAM_TOKEN,
        "`buildkite-agent oidc request-token` failed (exit 3): Error: forbidden for [redacted]");
  }

  @Test
  void buildkiteAgentThatHangsIsKilledAfterTheTimeout() throws Exception {
    Path pids = dir.resolve("pids");
    Map<String, String> env =
        fakeAgent("echo $$ > '" + pids + "'\nsleep 30 &\necho $! >> '" + pids + "'\nwait");
    TokenSource source =
        Sources.resolve(
            "buildkite", audience("ferry"), place(env), notices::add, Duration.ofSeconds(1));
    assertFailure(
        source::fetch,
        Failure.UPSTREAM_TOKEN,
        "`buildkite-agent oidc request-token` did not finish within 1 s");

    List<String> started = Files.readAllLines(pids);
    assertThat(started).hasSize(2);
    for (String pid : started) {
      assertThat(gone(Long.parseLong(pid.strip()))).as("process %s is gone", pid).isTrue();
    }
  }

  @Test
  void buildkiteWaitsForTheAgentAndItsPipesWithinOneTimeout() throws Exception {
    Path pids = dir.resolve("pids");
    // The agent exits at once, but a child it leaves behind keeps both pipes open.
    Map<String, String> env =
        fakeAgent("sleep 30 &\necho $! > '" + pids + "'\nprintf '%s\\n' '" + token + "'");
    TokenSource source =
        Sources.resolve(
            "buildkite", audience("ferry"), place(env), notices::add, Duration.ofSeconds(3));
    try {
      long start = System.nanoTime();
      UpstreamToken fetched = source.fetch();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(fetched.value()).isEqualTo(token);
      // A deadline per pipe would be 6 s; one deadline is 3 s and a little. The bound sits midway
      // so that neither a loaded machine nor the old behaviour can land on the wrong side.
      assertThat(took).isLessThan(Duration.ofMillis(4500));
    } finally {
      for (String pid : Files.readAllLines(pids)) {
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Whether {@code pid} has ended (a zombie awaiting its reaper has ended too). */
  private static boolean gone(long pid) throws Exception {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isPresent()) {
      try {
        handle.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        // Still there: a zombie, or alive; /proc tells which.
      }
    }
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return true;
    }
    String text = Files.readString(stat);
    return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
  }

  @Test
  void buildkiteWithoutTheAgentOrTheJobSaysSo() throws Exception {
    Map<String, String> env = Map.of("PATH", dir.toString(), "BUILDKITE_JOB_ID", "job-1");
    assertFailure(
        resolve("buildkite", audience("ferry"), env)::fetch,
        Failure.UPSTREAM_TOKEN,
        "buildkite-agent is not on PATH: --from buildkite runs `buildkite-agent oidc"
            + " request-token` in a Buildkite job");
    assertFailure(
        resolve("buildkite", audience("ferry"), Map.of("PATH", dir.toString()))::cacheIdentity,
        Failure.UPSTREAM_TOKEN,
        "BUILDKITE_JOB_ID is not set: --from buildkite runs in a Buildkite job, whose agent sets"
            + " it");
  }

  @Test
  void buildkiteAgentOnTheJvmsPathButNotTheJobsIsNotUsed() throws Exception {
    Map<String, String> env = new HashMap<>(fakeAgent("echo x"));
    env.put("PATH", "/usr/bin:/bin");
    assertThatThrownBy(resolve("buildkite", audience("ferry"), env)::fetch)
        .hasMessageStartingWith("buildkite-agent is not on PATH");
  }

  // --- auto and bad --from --------------------------------------------------------------------

  @Test
  void autoPicksThePlatformFromItsVariablesAndSaysWhy() throws Exception {
    record Case(Map<String, String> env, String name, String why) {}
    List<Case> cases =
        List.of(
            new Case(
                Map.of("GITHUB_ACTIONS", "true", "KUBERNETES_SERVICE_HOST", "10.0.0.1"),
                "github-actions",
                "GITHUB_ACTIONS=true"),
            new Case(Map.of("GITLAB_CI", "true"), "gitlab", "GITLAB_CI=true"),
            new Case(Map.of("BUILDKITE", "true"), "buildkite", "BUILDKITE=true"),
            new Case(Map.of("CIRCLECI", "true"), "circleci", "CIRCLECI=true"),
            new Case(
                Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "GITHUB_ACTIONS", "false"),
                "kubernetes",
                "KUBERNETES_SERVICE_HOST is set"));
    for (Case c : cases) {
      notices.clear();
      assertThat(resolve("auto", DEFAULTS, c.env()).name()).isEqualTo(c.name());
      assertThat(notices).containsExactly("--from auto: using " + c.name() + " (" + c.why() + ")");
    }
  }

  @Test
  void autoWithNoPlatformIsAUsageErrorAskingForFrom() {
    assertFailure(
        () -> resolve("auto", DEFAULTS, Map.of("CI", "true")),
        Failure.USAGE,
        "--from auto could not tell the platform (none of GITHUB_ACTIONS, GITLAB_CI, BUILDKITE,"
            + " CIRCLECI is true, KUBERNETES_SERVICE_HOST is not set): pass --from with one of"
            + " github-actions, gitlab, kubernetes, buildkite, circleci, file:PATH or env:NAME");
    assertThat(notices).isEmpty();
  }

  @Test
  void anUnknownFromListsTheValidValues() {
    String valid =
        " is not one of github-actions, gitlab, kubernetes, buildkite, circleci, file:PATH,"
            + " env:NAME or auto";
    for (String from : List.of("jenkins", "file:", "env:", "GITHUB-ACTIONS", "")) {
      assertFailure(
          () -> resolve(from, DEFAULTS, Map.of()), Failure.USAGE, "--from " + from + valid);
    }
  }

  // --- the unverified check -------------------------------------------------------------------

  @Test
  void anExpiredTokenSaysWhenItExpired() {
    String expired = Jwts.expiringAt(clock.instant().minusSeconds(300), "old");
    assertFailure(
        () -> resolve("env:T", DEFAULTS, Map.of("T", expired)).fetch(),
        Failure.UPSTREAM_TOKEN,
        "the token from env (T) expired at 2025-12-31T23:55:00Z (5 min ago)");
  }

  @Test
  void aTokenExpiringNowIsExpiredAndOneASecondLaterIsNot() throws Exception {
    String edge = Jwts.expiringAt(clock.instant(), "edge");
    assertThatThrownBy(() -> resolve("env:T", DEFAULTS, Map.of("T", edge)).fetch())
        .hasMessage("the token from env (T) expired at 2026-01-01T00:00:00Z (0 s ago)");
    String later = Jwts.expiringAt(clock.instant().plusSeconds(1), "later");
    assertThat(resolve("env:T", DEFAULTS, Map.of("T", later)).fetch().value()).isEqualTo(later);
  }

  @Test
  void malformedTokensAreNotJwtsAndAreNeverPrinted() {
    String secretish = "ghp_secretvalue1234567890";
    for (String bad :
        List.of(secretish, "a.b.c", "eyJhbGciOiJub25lIn0." + secretish + ".", "{\"value\":1}")) {
      assertThatThrownBy(() -> resolve("env:T", DEFAULTS, Map.of("T", bad)).fetch())
          .isInstanceOfSatisfying(
              WorkloadException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(Failure.UPSTREAM_TOKEN);
                assertThat(e.getCause()).isNull();
              })
          .hasMessage("the token from env (T) is not a JWT");
    }
  }

  @Test
  void aTokenWithoutExpIsRefusedBeforeFerryIsAsked() {
    String jwt = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"x\",\"aud\":\"ferry\"}") + ".";
    assertFailure(
        () -> resolve("env:T", DEFAULTS, Map.of("T", jwt)).fetch(),
        Failure.UPSTREAM_TOKEN,
        "the token from env (T) has no exp");
  }

  @Test
  void anExpThatIsNotATimeIsNotAJwt() {
    String header = b64("{\"alg\":\"none\"}");
    String payload = b64("{\"sub\":\"x\",\"exp\":\"tomorrow\"}");
    String jwt = header + "." + payload + ".";
    assertThatThrownBy(() -> resolve("env:T", DEFAULTS, Map.of("T", jwt)).fetch())
        .isInstanceOf(WorkloadException.class)
        .hasMessage("the token from env (T) is not a JWT");
  }

  private static String b64(String json) {
    return java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
