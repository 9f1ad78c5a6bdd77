package dev.ferry.connector.gitlab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.testing.LoopbackHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A GitLab API on {@code 127.0.0.1} (random port) for connector tests: answers set per path (or per
 * path and query), a bearer token it accepts ({@link #TOKEN}; any other gets 401 as GitLab
 * answers), bounded hangs, and a record of every request. {@code /api/v4/user} answers Dex's test
 * user until told otherwise.
 */
final class FakeGitlab implements AutoCloseable {

  /** The token the fake accepts, as in Dex's TestTokenIdentity. */
  static final String TOKEN = "test-access-token";

  /** Dex's test user (connector/gitlab TestTokenIdentity). */
  static final Map<String, Object> JOE =
      Map.of(
          "id", 12345678, "name", "Joe Bloggs", "username", "joebloggs", "email", "some@email.com");

  /** The longest a hanging answer holds a request. */
  static final Duration MAX_HANG = Duration.ofSeconds(20);

  /** What one path answers. */
  record Reply(int status, String body, boolean hang) {
    static Reply json(int status, String body) {
      return new Reply(status, body, false);
    }

    static Reply hanging() {
      return new Reply(200, "", true);
    }
  }

  /** Runs on every request before it is answered, e.g. to move a test clock. */
  interface Hook {
    void onRequest(String pathAndQuery);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoopbackHttpServer server;
  private final String baseUrl;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> authorizations = new ConcurrentHashMap<>();
  private volatile Hook hook = path -> {};

  private FakeGitlab(boolean tls) throws IOException {
    this.server = LoopbackHttpServer.start("fake-gitlab", tls, this::handle);
    this.baseUrl = server.baseUrl();
    user(JOE);
  }

  static FakeGitlab start() {
    return start(false);
  }

  /**
   * Serves HTTPS with the self-signed certificate whose PEM is {@code UpstreamIssuer.testCaPem}.
   */
  static FakeGitlab start(boolean tls) {
    try {
      return new FakeGitlab(tls);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  /** Answers {@code pathAndQuery} (e.g. {@code /oauth/userinfo}, or a path with its query). */
  void reply(String pathAndQuery, Reply reply) {
    replies.put(pathAndQuery, reply);
  }

  void reply(String pathAndQuery, int status, String body) {
    reply(pathAndQuery, Reply.json(status, body));
  }

  void replyJson(String pathAndQuery, Object body) {
    reply(pathAndQuery, 200, json(body));
  }

  void user(Map<String, ?> user) {
    replyJson("/api/v4/user", user);
  }

  void userInfo(Map<String, ?> claims) {
    replyJson("/oauth/userinfo", claims);
  }

  void hook(Hook hook) {
    this.hook = hook;
  }

  /** Every request so far, as path and query, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The last {@code Authorization} header sent to {@code path}. */
  Optional<String> lastAuthorization(String path) {
    return Optional.ofNullable(authorizations.get(path));
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String pathAndQuery = query == null ? path : path + "?" + query;
      requests.add(pathAndQuery);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        authorizations.put(path, authorization);
      }
      hook.onRequest(pathAndQuery);
      if (!("Bearer " + TOKEN).equals(authorization)) {
        send(exchange, 401, "{\"message\":\"401 Unauthorized\"}");
        return;
      }
      Reply reply = replies.getOrDefault(pathAndQuery, replies.get(path));
      if (reply == null) {
        send(exchange, 404, "{\"message\":\"404 Not Found\"}");
      } else if (reply.hang()) {
        awaitClose();
      } else {
        send(exchange, reply.status(), reply.body());
      }
    }
  }

  private void awaitClose() {
    try {
      closed.await(MAX_HANG.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
