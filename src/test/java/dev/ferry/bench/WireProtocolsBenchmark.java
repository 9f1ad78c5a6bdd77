package dev.ferry.bench;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.server.FerryServer;
import dev.ferry.testing.UpstreamIssuer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One token request per protocol of issue 9 through a whole Ferry over loopback HTTP (one client
 * connection, kept alive): the same upstream token, connector and trust rule behind each, so the
 * figures compare what each protocol adds. {@code token-exchange} and {@code jwt-bearer} verify the
 * upstream token as the subject; {@code client-credentials-secret} checks a secret and verifies
 * nothing; {@code client-credentials-federated} verifies the upstream token as the client's
 * assertion (the connector's token checks, the credential's subject and condition) instead. The
 * scope is {@code groups} without {@code openid}, so that every protocol signs exactly one token
 * (an access token); with {@code openid} the JWT bearer and client credentials grants sign an ID
 * token as well.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WireProtocolsBenchmark {

  @Param({
    "token-exchange",
    "jwt-bearer",
    "client-credentials-secret",
    "client-credentials-federated"
  })
  public String protocol;

  private UpstreamIssuer upstream;
  private FerryServer server;
  private HttpClient http;
  private HttpRequest request;
  private Path dir;

  @Setup
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("ferry-wire-bench");
    upstream = UpstreamIssuer.builder().userInfo(false).start();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String issuer = "http://127.0.0.1:" + port + "/dex";
    Path configFile = dir.resolve("ferry.yaml");
    Files.writeString(configFile, yaml(issuer, port));
    FerryConfig config = new ConfigLoader(Map.of()).load(configFile);
    server = FerryServer.start(config, Clock.systemUTC(), new SecureRandom());
    String token =
        upstream
            .token()
            .subject("system:serviceaccount:ci:deployer")
            .audience(issuer)
            .claim("kubernetes.io", Map.of("namespace", "ci"))
            .expiresAt(java.time.Instant.now().plus(Duration.ofHours(24)))
            .build();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    request = request(issuer + "/token", token);
    HttpResponse<String> first = send();
    System.out.println("# " + protocol + ": HTTP " + first.statusCode());
    if (first.statusCode() != 200) {
      throw new IllegalStateException(protocol + " answered " + first.body());
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    server.close();
    upstream.close();
  }

  private HttpRequest request(String tokenUrl, String token) {
    String secret =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("deployer:deployer-secret".getBytes(StandardCharsets.UTF_8));
    String body;
    boolean basic = true;
    switch (protocol) {
      case "token-exchange" ->
          body =
              form(
                  "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                  "connector_id", "kubernetes",
                  "scope", "groups",
                  "subject_token_type", "urn:ietf:params:oauth:token-type:id_token",
                  "subject_token", token);
      case "jwt-bearer" ->
          body =
              form(
                  "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
                  "connector_id", "kubernetes",
                  "scope", "groups",
                  "assertion", token);
      case "client-credentials-secret" ->
          body = form("grant_type", "client_credentials", "scope", "groups");
      case "client-credentials-federated" -> {
        basic = false;
        body =
            form(
                "grant_type", "client_credentials",
                "scope", "groups",
                "client_id", "deployer",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", token);
      }
      default -> throw new IllegalArgumentException(protocol);
    }
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(tokenUrl))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (basic) {
      builder.header("Authorization", secret);
    }
    return builder.build();
  }

  private static String form(String... pairs) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(pairs[i])
          .append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private HttpResponse<String> send() throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Benchmark
  public int token() throws IOException, InterruptedException {
    HttpResponse<String> response = send();
    if (response.statusCode() != 200) {
      throw new IllegalStateException(protocol + " answered " + response.body());
    }
    return response.body().length();
  }

  private String yaml(String issuer, int port) {
    return """
    issuer: %s
    storage:
      type: sqlite3
      config:
        file: %s
    web:
      http: 127.0.0.1:%d
    logger:
      level: warn
    oauth2:
      grantTypes:
      - client_credentials
      - urn:ietf:params:oauth:grant-type:token-exchange
      - urn:ietf:params:oauth:grant-type:jwt-bearer
    connectors:
    - type: oidc
      id: kubernetes
      name: Kubernetes
      config:
        issuer: %s
        scopes: [openid]
        userNameKey: sub
      trust:
        rules:
        - name: ci
          condition: claims["kubernetes.io"].namespace == "ci"
    staticClients:
    - id: deployer
      name: Deployer
      secret: deployer-secret
      federatedCredentials:
      - connector: kubernetes
        subject: system:serviceaccount:ci:deployer
        condition: claims["kubernetes.io"].namespace == "ci"
    """
        .formatted(issuer, dir.resolve("ferry.db"), port, upstream.issuer());
  }
}
