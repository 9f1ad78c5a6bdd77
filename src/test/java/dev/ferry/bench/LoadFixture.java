package dev.ferry.bench;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.server.FerryServer;
import dev.ferry.server.LogSetup;
import dev.ferry.server.StartupReport;
import dev.ferry.signer.CryptoProviders;
import dev.ferry.testing.UpstreamIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server {@code bench/load.sh} puts under load: an in-process GitHub Actions shaped upstream
 * issuer and a whole Ferry started from a YAML file as {@code ferry serve} starts it (logging set
 * up from the config, the preferred crypto provider installed, SQLite storage as in the guide
 * "Machine Authentication to Dex"), both on 127.0.0.1 only.
 *
 * <p>Usage: {@code LoadFixture DIR [--signer RS256|ES256] [--jdk-crypto] [--max-seconds N]
 * [--hung-upstream N]}. Once one exchange has succeeded it writes {@code DIR/fixture.env} (shell
 * assignments: {@code TOKEN_URL}, {@code SUBJECT_TOKEN}, {@code CONNECTOR_ID}, {@code CRYPTO},
 * {@code SIGNER}). It stops on SIGTERM, or by itself after {@code --max-seconds} (default 900) so
 * that a forgotten fixture never outlives the run.
 *
 * <p>With {@code --hung-upstream N} a second connector, {@value #HUNG_CONNECTOR_ID}, points at an
 * upstream whose JWKS never answers, and the fixture keeps {@code N} exchanges through it in flight
 * for the whole run (each one is sent again as soon as it is answered), so that the load on the
 * normal connector is measured beside a hung one. {@code N} should stay within that connector's
 * bulkhead (32 calls plus 64 waiting by default), so that none is refused at once and resent in a
 * tight loop. On stop the fixture writes what those requests got to {@code DIR/hung.txt}.
 */
public final class LoadFixture {
  static final String HUNG_CONNECTOR_ID = "hung-upstream";

  private LoadFixture() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(
          "usage: LoadFixture DIR [--signer RS256|ES256] [--jdk-crypto] [--max-seconds N]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    String signer = "RS256";
    boolean jdkCrypto = false;
    long maxSeconds = 900;
    int hungInFlight = 0;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--signer" -> signer = args[++i];
        case "--jdk-crypto" -> jdkCrypto = true;
        case "--max-seconds" -> maxSeconds = Long.parseLong(args[++i]);
        case "--hung-upstream" -> hungInFlight = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);

    UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(false).start();
    UpstreamIssuer hung = UpstreamIssuer.builder().userInfo(false).start();
    int port = freePort();
    String issuer = "http://127.0.0.1:" + port + "/dex";
    Path configFile = dir.resolve("ferry.yaml");
    Files.writeString(
        configFile,
        yaml(dir, issuer, port, upstream, signer)
            .replace("staticClients:\n", hungConnector(hungInFlight, hung) + "staticClients:\n"));
    FerryConfig config = new ConfigLoader(Map.of()).load(configFile);

    LogSetup.configure(
        config.logger().level().slf4j(),
        config.logger().format().name(),
        config.logger().excludeFields());
    // As ferry serve does, unless the JDK's providers are wanted for comparison.
    String crypto = jdkCrypto ? "JDK (--jdk-crypto)" : CryptoProviders.installPreferred();
    StartupReport.log(config, crypto);
    FerryServer server = FerryServer.start(config, Clock.systemUTC(), new SecureRandom());

    String subjectToken = GitHubActions.idToken(upstream, Duration.ofHours(24));
    String tokenUrl = issuer + "/token";
    checkOneExchange(tokenUrl, subjectToken);

    HungLoad hungLoad = new HungLoad(tokenUrl, GitHubActions.idToken(hung, Duration.ofHours(24)));
    if (hungInFlight > 0) {
      // Discovery already succeeded when Ferry opened the connector; its JWKS is fetched on first
      // use, and from now on that fetch never completes.
      hung.fault(UpstreamIssuer.KEYS, UpstreamIssuer.Fault.HANG);
      hungLoad.start(hungInFlight);
      System.err.println(
          "load fixture: "
              + hungInFlight
              + " exchanges kept in flight through "
              + HUNG_CONNECTOR_ID);
    }

    Path env = dir.resolve("fixture.env");
    Path partial = dir.resolve("fixture.env.partial");
    Files.writeString(
        partial,
        String.join(
            "\n",
            "TOKEN_URL='" + tokenUrl + "'",
            "SUBJECT_TOKEN='" + subjectToken + "'",
            "CONNECTOR_ID='" + GitHubActions.CONNECTOR_ID + "'",
            "CRYPTO='" + crypto + "'",
            "SIGNER='" + signer + "'",
            ""));
    Files.move(partial, env, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.err.println("load fixture ready: " + tokenUrl + " (" + crypto + ", " + signer + ")");

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  hungLoad.stop(dir.resolve("hung.txt"));
                  server.close();
                  upstream.close();
                  hung.close();
                  stopped.countDown();
                },
                "load-fixture-stop"));
    if (!stopped.await(maxSeconds, TimeUnit.SECONDS)) {
      System.err.println("load fixture: --max-seconds " + maxSeconds + " reached, stopping");
      System.exit(0);
    }
  }

  /** The guide's configuration with the upstream's issuer, on loopback, without telemetry. */
  private static String yaml(
      Path dir, String issuer, int port, UpstreamIssuer upstream, String signer) {
    return """
    issuer: %s
    storage:
      type: sqlite3
      config:
        file: %s
    web:
      http: 127.0.0.1:%d
    logger:
      level: info
      format: text
    signer:
      type: local
      config:
        keysRotationPeriod: 6h
        algorithm: %s
    connectors:
    - type: oidc
      id: %s
      name: GitHub Actions
      config:
        issuer: %s
        scopes:
          - openid
          - groups
        userNameKey: sub
    staticClients:
    - name: My App
      id: my-app
      secret: my-secret
      public: true
    """
        .formatted(
            issuer,
            dir.resolve("ferry.db"),
            port,
            signer,
            GitHubActions.CONNECTOR_ID,
            upstream.issuer());
  }

  /** The second connector, behind the hung upstream; nothing when none was asked for. */
  private static String hungConnector(int inFlight, UpstreamIssuer hung) {
    if (inFlight <= 0) {
      return "";
    }
    return """
    - type: oidc
      id: %s
      name: Hung upstream
      config:
        issuer: %s
        scopes:
          - openid
        userNameKey: sub
    """
        .formatted(HUNG_CONNECTOR_ID, hung.issuer())
        .indent(0);
  }

  /** The request {@code bench/exchange.lua} sends, once, to fail early rather than under load. */
  private static void checkOneExchange(String tokenUrl, String subjectToken)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        http.send(
            exchangeRequest(
                tokenUrl, TokenExchangeBenchmark.formBody(subjectToken), Duration.ofSeconds(10)),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "exchange check failed: " + response.statusCode() + " " + response.body());
    }
  }

  /** The guide's exchange request as {@code bench/exchange.lua} sends it: Basic auth, a form. */
  private static HttpRequest exchangeRequest(String tokenUrl, String form, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(tokenUrl))
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header(
            "Authorization",
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("my-app:my-secret".getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
  }

  /**
   * Keeps a number of exchanges through {@link #HUNG_CONNECTOR_ID} in flight: each is sent again as
   * soon as it is answered. Counts the answers by status.
   */
  private static final class HungLoad {
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running;

    HungLoad(String tokenUrl, String subjectToken) {
      this.request =
          exchangeRequest(
              tokenUrl,
              TokenExchangeBenchmark.formBody(subjectToken)
                  .replace(
                      "connector_id=" + GitHubActions.CONNECTOR_ID,
                      "connector_id=" + HUNG_CONNECTOR_ID),
              Duration.ofMinutes(2));
    }

    void start(int inFlight) {
      running = true;
      for (int i = 0; i < inFlight; i++) {
        send();
      }
    }

    private void send() {
      if (!running) {
        return;
      }
      sent.incrementAndGet();
      // Completion is handled in the callback, which sends the next request.
      var unused =
          http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
              .whenComplete((response, error) -> {
                if (response != null) {
                  statuses
                      .computeIfAbsent(response.statusCode(), s -> new AtomicLong())
                      .incrementAndGet();
                } else {
                  failures.incrementAndGet();
                }
                send();
              });
    }

    void stop(Path report) {
      if (!running) {
        return;
      }
      running = false;
      long answered = statuses.values().stream().mapToLong(AtomicLong::get).sum() + failures.get();
      String line =
          "hung-upstream sent="
              + sent
              + " answered_by_status="
              + new TreeMap<>(statuses)
              + " failed="
              + failures
              + " in_flight_at_stop="
              + (sent.get() - answered);
      try {
        Files.writeString(report, line + "\n");
      } catch (IOException e) {
        System.err.println("load fixture: cannot write " + report + ": " + e.getMessage());
      }
      http.shutdownNow();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
