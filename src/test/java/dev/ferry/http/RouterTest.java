package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.MDC;

/** Routing, headers, request ids, client IPs and CORS through a real listener. */
class RouterTest {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A listener on 127.0.0.1 with an echo endpoint at /dex/echo (CORS) and /dex/plain. */
  private static final class Listener implements AutoCloseable {
    final HttpServer server;
    final AtomicReference<String> seenRequestId = new AtomicReference<>("");
    final AtomicReference<String> seenRemoteIp = new AtomicReference<>("");
    final AtomicReference<String> seenMdcIp = new AtomicReference<>("");

    Listener(UnaryOperator<HttpServerSettings.Builder> settings) throws Exception {
      HttpServerSettings s =
          settings.apply(HttpServerSettings.builder().httpAddress("127.0.0.1:0")).build();
      HttpEndpoint echo =
          request -> {
            seenRequestId.set(String.valueOf(MDC.get("request_id")));
            seenMdcIp.set(String.valueOf(MDC.get("client_remote_addr")));
            seenRemoteIp.set(request.remoteIp());
            return dev.ferry.http.HttpResponse.text(200, request.method() + " " + request.path());
          };
      Router router =
          Router.builder("/dex", new SecureRandom())
              .settings(s)
              .corsRoute("/echo", echo)
              .route("/plain", echo)
              .route(
                  "/override",
                  r ->
                      dev.ferry.http.HttpResponse.text(200, "x")
                          .withHeader("X-Frame-Options", "SAMEORIGIN"))
              .route(
                  "/auth/{connector}",
                  r -> dev.ferry.http.HttpResponse.text(200, "one " + r.pathVariable("connector")))
              .route(
                  "/auth/{connector}/login",
                  r ->
                      dev.ferry.http.HttpResponse.text(200, "login " + r.pathVariable("connector")))
              .route("/auth/fixed", r -> dev.ferry.http.HttpResponse.text(200, "fixed"))
              .route(
                  "/boom",
                  r -> {
                    throw new IllegalStateException("secret internals");
                  })
              .build();
      server = new HttpServer(s, router);
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.httpPort().orElseThrow() + path;
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder get(Listener l, String path) {
    return HttpRequest.newBuilder(URI.create(l.url(path)));
  }

  @ParameterizedTest
  @CsvSource({
    "'', /token, /token",
    "/, /token, /token",
    "/dex, /token, /dex/token",
    "/dex/, /.well-known/openid-configuration, /dex/.well-known/openid-configuration",
    "/a//b/, token/, /a/b/token",
    "/a/../b, /keys, /b/keys",
    "'', '', /"
  })
  void joinIsGoPathJoin(String prefix, String route, String expected) {
    assertThat(Router.join(prefix, route)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "/dex/echo/",
    "/echo",
    "/dex",
    "/dex/",
    "/dex/ech",
    "/dex/%65cho",
    "/dex/echo%2F",
    "/dex//echo"
  })
  void unroutedPathsAreGosPlainNotFound(String path) throws Exception {
    try (Listener l = new Listener(s -> s.headers(Map.of("X-Frame-Options", "DENY")))) {
      HttpResponse<String> response = send(get(l, path));
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).isEqualTo("404 page not found\n");
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("text/plain; charset=utf-8");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      // web.headers apply to routed responses only.
      assertThat(response.headers().firstValue("X-Frame-Options")).isEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "/dex/auth/local, 200, one Optional[local]",
    "/dex/auth/my%2Fid, 200, one Optional[my%2Fid]",
    "/dex/auth/local/login, 200, login Optional[local]",
    "/dex/auth/fixed, 200, fixed",
    "/dex/auth/, 404, NOTFOUND",
    "/dex/auth//login, 404, NOTFOUND",
    "/dex/auth/local/login/, 404, NOTFOUND",
    "/dex/auth/local/other, 404, NOTFOUND"
  })
  void patternSegmentsMatchOneEncodedSegmentAndExactRoutesWin(String path, int status, String body)
      throws Exception {
    try (Listener l = new Listener(s -> s)) {
      HttpResponse<String> response = send(get(l, path));
      assertThat(response.statusCode()).isEqualTo(status);
      assertThat(response.body()).isEqualTo(body.replace("NOTFOUND", "404 page not found\n"));
    }
  }

  @Test
  void webHeadersOnEveryRoutedResponseAndEndpointsMayOverride() throws Exception {
    Map<String, String> headers =
        Map.of("X-Frame-Options", "DENY", "Strict-Transport-Security", "max-age=31536000");
    try (Listener l = new Listener(s -> s.headers(headers))) {
      for (String path : List.of("/dex/echo", "/dex/plain", "/dex/boom")) {
        HttpResponse<String> response = send(get(l, path));
        assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        assertThat(response.headers().firstValue("Strict-Transport-Security"))
            .hasValue("max-age=31536000");
      }
      assertThat(send(get(l, "/dex/override")).headers().firstValue("X-Frame-Options"))
          .hasValue("SAMEORIGIN");
    }
  }

  @Test
  void endpointFailureIsAPlain500WithoutInternals() throws Exception {
    try (Listener l = new Listener(s -> s)) {
      HttpResponse<String> response = send(get(l, "/dex/boom"));
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo("Internal Server Error\n").doesNotContain("secret");
      assertThat(send(get(l, "/dex/plain")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void requestIdIsGeneratedAcceptedWhenSaneAndEchoed() throws Exception {
    try (Listener l = new Listener(s -> s)) {
      HttpResponse<String> generated = send(get(l, "/dex/plain"));
      String id = generated.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      assertThat(l.seenRequestId.get()).isEqualTo(id);

      HttpResponse<String> accepted =
          send(get(l, "/dex/plain").header("X-Request-Id", "trace-42.a:b"));
      assertThat(accepted.headers().firstValue("X-Request-Id")).hasValue("trace-42.a:b");
      assertThat(l.seenRequestId.get()).isEqualTo("trace-42.a:b");

      HttpResponse<String> replaced =
          send(get(l, "/dex/plain").header("X-Request-Id", "evil\"id with spaces"));
      assertThat(replaced.headers().firstValue("X-Request-Id").orElseThrow())
          .doesNotContain("evil");
      HttpResponse<String> tooLong =
          send(get(l, "/dex/plain").header("X-Request-Id", "a".repeat(200)));
      assertThat(tooLong.headers().firstValue("X-Request-Id").orElseThrow()).hasSize(36);
      assertThat(MDC.get("request_id")).isNull();
    }
  }

  @Test
  void clientIpHeaderIsBelievedOnlyFromTrustedProxies() throws Exception {
    try (Listener trusted =
        new Listener(
            s -> s.clientRemoteIp("X-Forwarded-For", List.of("127.0.0.1/32", "10.0.0.0/8")))) {
      send(
          get(trusted, "/dex/plain")
              .header("X-Forwarded-For", "198.51.100.9, 203.0.113.7, 10.1.2.3"));
      assertThat(trusted.seenRemoteIp.get()).isEqualTo("203.0.113.7");
      assertThat(trusted.seenMdcIp.get()).isEqualTo("203.0.113.7");
    }
    try (Listener untrusted =
        new Listener(s -> s.clientRemoteIp("X-Forwarded-For", List.of("10.0.0.0/8")))) {
      send(get(untrusted, "/dex/plain").header("X-Forwarded-For", "203.0.113.7"));
      assertThat(untrusted.seenRemoteIp.get()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void withoutOriginsCorsIsOffAndOptionsReachesTheEndpoint() throws Exception {
    try (Listener l = new Listener(s -> s)) {
      HttpResponse<String> response =
          send(
              get(l, "/dex/echo")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://app.example")
                  .header("Access-Control-Request-Method", "POST"));
      assertThat(response.body()).isEqualTo("OPTIONS /dex/echo");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void corsPreflightAndSimpleRequests() throws Exception {
    try (Listener l =
        new Listener(
            s -> s.allowedOrigins(List.of("https://app.example", "https://other.example")))) {
      HttpResponse<String> preflight =
          send(
              get(l, "/dex/echo")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://app.example")
                  .header("Access-Control-Request-Method", "POST")
                  .header("Access-Control-Request-Headers", "authorization, accept"));
      assertThat(preflight.statusCode()).isEqualTo(200);
      assertThat(preflight.body()).isEmpty();
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://app.example");
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
          .hasValue("Authorization");
      assertThat(preflight.headers().firstValue("Vary")).hasValue("Origin");

      HttpResponse<String> simple =
          send(get(l, "/dex/echo").header("Origin", "https://other.example"));
      assertThat(simple.body()).isEqualTo("GET /dex/echo");
      assertThat(simple.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://other.example");

      HttpResponse<String> foreign =
          send(get(l, "/dex/echo").header("Origin", "https://evil.example"));
      assertThat(foreign.body()).isEqualTo("GET /dex/echo");
      assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

      HttpResponse<String> plainRoute =
          send(get(l, "/dex/plain").header("Origin", "https://app.example"));
      assertThat(plainRoute.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "https://evil.example, POST, '', 200, ''",
    "https://app.example, '', '', 400, ''",
    "https://app.example, PUT, '', 405, ''",
    "https://app.example, POST, X-Custom, 403, ''",
    "https://app.example, DELETE, '', 405, ''"
  })
  void corsPreflightRefusals(String origin, String method, String headers, int status, String body)
      throws Exception {
    try (Listener l = new Listener(s -> s.allowedOrigins(List.of("https://app.example")))) {
      HttpRequest.Builder r =
          get(l, "/dex/echo")
              .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
              .header("Origin", origin);
      if (!method.isEmpty()) {
        r.header("Access-Control-Request-Method", method);
      }
      if (!headers.isEmpty()) {
        r.header("Access-Control-Request-Headers", headers);
      }
      HttpResponse<String> response = send(r);
      assertThat(response.statusCode()).isEqualTo(status);
      assertThat(response.body()).isEqualTo(body);
    }
  }

  @Test
  void wildcardOriginIsEchoedAsWildcardAndCustomHeadersCanBeAllowed() throws Exception {
    try (Listener l =
        new Listener(s ->
            s.allowedOrigins(List.of("*")).allowedHeaders(List.of("x-custom", "Authorization")))) {
      HttpResponse<String> preflight =
          send(
              get(l, "/dex/echo")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://anything.example")
                  .header("Access-Control-Request-Method", "GET")
                  .header("Access-Control-Request-Headers", "X-CUSTOM"));
      assertThat(preflight.statusCode()).isEqualTo(200);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
          .hasValue("X-Custom");
      assertThat(preflight.headers().firstValue("Vary")).isEmpty();
    }
  }

  @Test
  void aBodyTheEndpointDidNotReadIsConsumedSoTheConnectionCarriesTheNextRequest() throws Exception {
    // Go's server reads what a handler left of a body (up to 256 KiB) before answering, so the
    // connection stays usable; Ferry's /token never reads a JSON body, and without this the
    // connection was dropped at random and a client reusing it got no answer at all.
    try (Listener l = new Listener(s -> s);
        java.net.Socket socket =
            new java.net.Socket(
                java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
                l.server.httpPort().orElseThrow())) {
      socket.setSoTimeout(10_000);
      // Each write leaves as its own segment: the body arrives in two parts.
      socket.setTcpNoDelay(true);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /dex/plain HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 10\r\n\r\n{\"a\":")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      out.write(
          "\"bc\"}GET /dex/plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answers.split("HTTP/1.1 200 ", -1)).as(answers).hasSize(3);
      assertThat(answers).contains("POST /dex/plain", "GET /dex/plain");
    }
  }

  @Test
  void aLargeUnreadBodyClosesTheConnectionInsteadOfBeingRead() throws Exception {
    try (Listener l = new Listener(s -> s)) {
      HttpResponse<String> response =
          send(
              get(l, "/dex/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("x".repeat(300 * 1024))));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(send(get(l, "/dex/plain")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void largeRequestHeadersAreServedUpTo64KiB() throws Exception {
    // A Dex token with many groups sent to /userinfo as a bearer easily passes Jetty's 8 KiB
    // default; Ferry allows 64 KiB (Go's 1 MiB DefaultMaxHeaderBytes is the outer limit).
    String bearer = "Bearer " + "a".repeat(60 * 1024);
    try (Listener l = new Listener(s -> s)) {
      HttpResponse<String> response = send(get(l, "/dex/plain").header("Authorization", bearer));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("GET /dex/plain");

      HttpResponse<String> tooLarge =
          send(get(l, "/dex/plain").header("Authorization", "Bearer " + "a".repeat(1100 * 1024)));
      assertThat(tooLarge.statusCode()).isEqualTo(431);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "x-requested-with, X-Requested-With",
    "AUTHORIZATION, Authorization",
    "a b, a b",
    "content-TYPE, Content-Type"
  })
  void canonicalHeaderKeysLikeGo(String in, String out) {
    assertThat(CorsPolicy.canonicalHeaderKey(in)).isEqualTo(out);
  }
}
