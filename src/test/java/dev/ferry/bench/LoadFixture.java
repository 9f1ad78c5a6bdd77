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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The server {@code bench/load.sh} puts under load: an in-process GitHub Actions shaped upstream
 * issuer and a whole Ferry started from a YAML file as {@code ferry serve} starts it (logging set
 * up from the config, the preferred crypto provider installed, SQLite storage as in the guide
 * "Machine Authentication to Dex"), both on 127.0.0.1 only.
 *
 * <p>Usage: {@code LoadFixture DIR [--signer RS256|ES256] [--jdk-crypto] [--max-seconds N]}. Once
 * one exchange has succeeded it writes {@code DIR/fixture.env} (shell assignments: {@code
 * TOKEN_URL}, {@code SUBJECT_TOKEN}, {@code CONNECTOR_ID}, {@code CRYPTO}, {@code SIGNER}). It
 * stops on SIGTERM, or by itself after {@code --max-seconds} (default 900) so that a forgotten
 * fixture never outlives the run.
 */
public final class LoadFixture {
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
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--signer" -> signer = args[++i];
        case "--jdk-crypto" -> jdkCrypto = true;
        case "--max-seconds" -> maxSeconds = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);

    UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(false).start();
    int port = freePort();
    String issuer = "http://127.0.0.1:" + port + "/dex";
    Path configFile = dir.resolve("ferry.yaml");
    Files.writeString(configFile, yaml(dir, issuer, port, upstream, signer));
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
                  server.close();
                  upstream.close();
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

  /** The request {@code bench/exchange.lua} sends, once, to fail early rather than under load. */
  private static void checkOneExchange(String tokenUrl, String subjectToken)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(tokenUrl))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString("my-app:my-secret".getBytes(StandardCharsets.UTF_8)))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        TokenExchangeBenchmark.formBody(subjectToken)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "exchange check failed: " + response.statusCode() + " " + response.body());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
