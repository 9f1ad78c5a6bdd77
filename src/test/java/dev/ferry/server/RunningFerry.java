package dev.ferry.server;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A whole Ferry started from a YAML config file, as {@code ferry serve} starts it, with an issuer
 * on a free loopback port; requests go through real HTTP.
 */
public final class RunningFerry implements AutoCloseable {
  public final String issuer;

  /** Where this instance listens, with the issuer's path: replicas share an issuer. */
  public final String base;

  final FerryServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningFerry(String issuer, String base, FerryServer server) {
    this.issuer = issuer;
    this.base = base;
    this.server = server;
  }

  /**
   * Starts Ferry on {@code yaml}, in which {@code ${ISSUER}} and {@code ${WEB}} stand for the
   * issuer URL and listen address Ferry gets.
   */
  public static RunningFerry start(Path dir, String yaml, Clock clock) throws Exception {
    int port = freePort();
    return start(dir, yaml, clock, "http://127.0.0.1:" + port + "/dex", port);
  }

  /**
   * Starts one replica of {@code issuer} listening on {@code port}; {@code ${TELEMETRY}} in the
   * YAML stands for a free telemetry address.
   */
  public static RunningFerry start(Path dir, String yaml, Clock clock, String issuer, int port)
      throws Exception {
    Path file = dir.resolve("config-" + port + ".yaml");
    Files.writeString(
        file,
        yaml.replace("${ISSUER}", issuer)
            .replace("${WEB}", "127.0.0.1:" + port)
            .replace("${TELEMETRY}", "127.0.0.1:" + freePort()),
        StandardCharsets.UTF_8);
    FerryConfig config = new ConfigLoader(Map.of()).load(file);
    return new RunningFerry(
        issuer,
        "http://127.0.0.1:" + port + "/dex",
        FerryServer.start(config, clock, new SecureRandom()));
  }

  /** The telemetry listener's base URL. */
  public String telemetry() {
    return "http://127.0.0.1:" + server.telemetryPort().orElseThrow();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> postForm(String path, Map<String, String> form, String basicUser)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    if (!basicUser.isEmpty()) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(basicUser.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String encode(Map<String, String> form) {
    StringJoiner body = new StringJoiner("&");
    form.forEach((name, value) ->
        body.add(
            java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "="
                + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return body.toString();
  }

  /** The guide's curl request (Machine Authentication to Dex), as an editable form. */
  static Map<String, String> guideForm(String connectorId, String token, String tokenType) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("connector_id", connectorId);
    form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    form.put("scope", "openid groups federated:id");
    form.put("requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
    form.put("subject_token", token);
    form.put("subject_token_type", tokenType);
    return form;
  }

  @Override
  public void close() {
    server.close();
  }
}
