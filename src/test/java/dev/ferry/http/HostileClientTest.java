package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Clients that try to exhaust the listener: trickled bodies and headers, huge headers and made-up
 * methods. Every test goes through a real listener on loopback.
 */
class HostileClientTest {
  private static final InetAddress LOOPBACK = loopback();

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A listener with a form-reading endpoint at /dex/form and /dex/metrics for its metrics. */
  private static final class Listener implements AutoCloseable {
    final HttpServer server;

    Listener(UnaryOperator<HttpServerSettings.Builder> settings) throws Exception {
      HttpServerSettings s =
          settings.apply(HttpServerSettings.builder().httpAddress("127.0.0.1:0")).build();
      PrometheusRegistry registry = new PrometheusRegistry();
      Router router =
          Router.builder("/dex", new SecureRandom())
              .settings(s)
              .metrics(new HttpMetrics(registry))
              .route(
                  "/form",
                  r ->
                      dev.ferry.http.HttpResponse.text(
                          200, "a=" + r.postForm().first("a").orElse("")))
              .route("/metrics", new MetricsEndpoint(registry))
              .build();
      server = new HttpServer(s, router);
      server.start();
    }

    int port() {
      return server.httpPort().orElseThrow();
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postForm(Listener l, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(l.uri("/dex/form"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /**
   * Opens a connection that sends its headers and one byte of a 100-byte form body, then stalls.
   */
  private static SocketChannel trickler(Listener l, String firstBodyByte) throws IOException {
    SocketChannel channel = SocketChannel.open(new InetSocketAddress(LOOPBACK, l.port()));
    channel.write(
        ByteBuffer.wrap(
            ("POST /dex/form HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 100\r\n\r\n"
                    + firstBodyByte)
                .getBytes(StandardCharsets.US_ASCII)));
    return channel;
  }

  /** Reads until the peer closes the connection (bounded by the socket timeout); the bytes read. */
  private static String readUntilClosed(Socket socket) throws IOException {
    socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
    try {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketException e) {
      return ""; // reset by the server: closed as well
    }
  }

  @Test
  void stalledBodiesPinNoThreadAndAValidRequestIsServedBesideThem() throws Exception {
    // The idle timeout is out of the way: only the body deadline may close the stalled ones.
    // 600 stalled requests are three times the 200 worker threads: were a stalled body to pin a
    // thread, the valid request could not be served. The deadline leaves room to open them all.
    try (Listener l =
            new Listener(s ->
                s.idleTimeout(Duration.ofMinutes(10))
                    .readTimeouts(Duration.ofSeconds(8), Duration.ofSeconds(8)));
        Closer stalled = new Closer()) {
      for (int i = 0; i < 600; i++) {
        stalled.add(trickler(l, "a"));
      }
      // One more byte each, as a trickling client sends, after all of them hold their request.
      for (SocketChannel c : stalled.channels) {
        c.write(ByteBuffer.wrap("=".getBytes(StandardCharsets.US_ASCII)));
      }
      HttpResponse<String> valid = postForm(l, "a=b");
      assertThat(valid.statusCode()).isEqualTo(200);
      assertThat(valid.body()).isEqualTo("a=b");
      // Then the deadline closes every stalled connection, unanswered.
      for (SocketChannel c : stalled.channels) {
        assertThat(readUntilClosed(c.socket())).isEmpty();
      }
    }
  }

  @Test
  void aBodyNotCompleteByTheDeadlineClosesTheConnection() throws Exception {
    try (Listener l =
            new Listener(s ->
                s.idleTimeout(Duration.ofMinutes(10))
                    .readTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300)));
        Socket socket = new Socket(LOOPBACK, l.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          String.join(
                  "\r\n",
                  "POST /dex/form HTTP/1.1",
                  "Host: x",
                  "Content-Type: application/x-www-form-urlencoded",
                  "Content-Length: 100",
                  "",
                  "a")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readUntilClosed(socket);
      // Go's server answers nothing to a request whose body times out; neither is it served.
      assertThat(answer).doesNotContain("200 OK");
      assertThat(postForm(l, "a=c").body()).isEqualTo("a=c");
    }
  }

  @Test
  void headersNotCompleteByTheDeadlineCloseTheConnection() throws Exception {
    try (Listener l =
            new Listener(s ->
                s.idleTimeout(Duration.ofMinutes(10))
                    .readTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5)));
        Socket socket = new Socket(LOOPBACK, l.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "POST /dex/form HTTP/1.1\r\nHost: x\r\nX-Slow: a".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readUntilClosed(socket);
      assertThat(answer).doesNotContain("200 OK");
      assertThat(postForm(l, "a=d").body()).isEqualTo("a=d");
    }
  }

  @Test
  void keepAliveRequestsAreServedWithinTheHeaderDeadline() throws Exception {
    try (Listener l =
        new Listener(s -> s.readTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)))) {
      for (int i = 0; i < 3; i++) {
        assertThat(postForm(l, "a=" + i).body()).isEqualTo("a=" + i);
      }
    }
  }

  @Test
  void headersOver64KiBAre431() throws Exception {
    try (Listener l = new Listener(s -> s);
        Socket socket = new Socket(LOOPBACK, l.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /dex/metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(65 * 1024) + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
      assertThat(status).isEqualTo("HTTP/1.1 431");
    }
  }

  @Test
  void madeUpMethodsShareOneMetricsLabel() throws Exception {
    try (Listener l = new Listener(s -> s)) {
      for (String method : List.of("FOO", "BAR", "Get", "X".repeat(4000))) {
        send(
            HttpRequest.newBuilder(l.uri("/dex/form"))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build());
      }
      send(HttpRequest.newBuilder(l.uri("/dex/form")).timeout(Duration.ofSeconds(30)).build());
      send(
          HttpRequest.newBuilder(l.uri("/dex/form"))
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build());
      String metrics =
          send(HttpRequest.newBuilder(l.uri("/dex/metrics"))
                  .timeout(Duration.ofSeconds(30))
                  .build())
              .body();
      List<String> lines =
          metrics.lines().filter(line -> line.startsWith("http_requests_total{")).toList();
      assertThat(lines)
          .containsExactlyInAnyOrder(
              "http_requests_total{code=\"200\",handler=\"/form\",method=\"unknown\"} 4.0",
              "http_requests_total{code=\"200\",handler=\"/form\",method=\"get\"} 1.0",
              "http_requests_total{code=\"200\",handler=\"/form\",method=\"post\"} 1.0");
    }
  }

  /** Closes every channel it was given. */
  private static final class Closer implements AutoCloseable {
    final List<SocketChannel> channels = new ArrayList<>();

    void add(SocketChannel channel) {
      channels.add(channel);
    }

    @Override
    public void close() throws IOException {
      for (SocketChannel c : channels) {
        c.close();
      }
    }
  }
}
