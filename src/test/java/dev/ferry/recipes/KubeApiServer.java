package dev.ferry.recipes;

import com.sun.net.httpserver.HttpExchange;
import dev.ferry.testing.LoopbackHttpServer;
import dev.ferry.testing.UpstreamIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in kube-apiserver on HTTPS (the test certificate for 127.0.0.1, {@link #caPem()}): it
 * records each request's bearer token, answers {@code GET /version} as a 1.32 API server does when
 * the bearer is there, a {@code Status} 401 when it is not (kubectl then runs its exec plugin
 * again) and a {@code Status} 404 for anything else. It authenticates nothing: the test checks the
 * recorded token as the real API server's JWT authenticator would.
 */
final class KubeApiServer implements AutoCloseable {
  private static final String VERSION =
      """
      {"major":"1","minor":"32","gitVersion":"v1.32.4","gitCommit":"stand-in",\
      "gitTreeState":"clean","buildDate":"2025-05-15T00:00:00Z","goVersion":"go1.23.8",\
      "compiler":"gc","platform":"linux/amd64"}\
      """;

  /** One request as the server saw it; {@code bearer} is null without one. */
  record Request(String method, String path, @Nullable String bearer) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final LoopbackHttpServer server;

  private KubeApiServer() throws IOException {
    this.server = LoopbackHttpServer.start("kube-apiserver", true, this::handle);
  }

  static KubeApiServer start() throws IOException {
    return new KubeApiServer();
  }

  /** {@code https://127.0.0.1:<port>}. */
  String url() {
    return server.baseUrl();
  }

  /** The PEM of the CA a kubeconfig's {@code certificate-authority-data} must hold. */
  static String caPem() {
    return UpstreamIssuer.testCaPem();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      @Nullable String bearer =
          authorization != null && authorization.startsWith("Bearer ")
              ? authorization.substring("Bearer ".length())
              : null;
      String path = exchange.getRequestURI().getPath();
      requests.add(new Request(exchange.getRequestMethod(), path, bearer));
      if (bearer == null) {
        send(exchange, 401, status(401, "Unauthorized", "Unauthorized"));
      } else if ("GET".equals(exchange.getRequestMethod()) && "/version".equals(path)) {
        send(exchange, 200, VERSION);
      } else {
        send(
            exchange,
            404,
            status(404, "NotFound", "the server could not find the requested resource"));
      }
    }
  }

  private static String status(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\""
        + message
        + "\",\"reason\":\""
        + reason
        + "\",\"code\":"
        + code
        + "}";
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
