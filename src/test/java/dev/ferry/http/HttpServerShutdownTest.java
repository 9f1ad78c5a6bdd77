package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping the server (SIGTERM, a rolling update) lets requests in flight finish, as Dex does. */
class HttpServerShutdownTest {

  @Test
  void aRequestInFlightWhenTheServerStopsIsStillAnswered() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server =
        new HttpServer(
            HttpServerSettings.builder().httpAddress("127.0.0.1:0").build(),
            Router.builder("/dex", new SecureRandom())
                .route(
                    "/slow",
                    r -> {
                      inside.countDown();
                      // Held until the server is stopping, so it is in flight when it stops.
                      release.await(20, TimeUnit.SECONDS);
                      return dev.ferry.http.HttpResponse.text(200, "done");
                    })
                .build());
    server.start();
    CompletableFuture<HttpResponse<String>> answer =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + server.httpPort().orElseThrow() + "/dex/slow"))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    int port = server.httpPort().orElseThrow();
    CompletableFuture<Void> closed =
        CompletableFuture.runAsync(() -> {
          try {
            server.close();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    // Stopping begins by refusing new connections; only then is the request let go.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (accepts(port) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(accepts(port)).isFalse();
    release.countDown();
    closed.get(30, TimeUnit.SECONDS);
    HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("done");
  }

  private static boolean accepts(int port) {
    try (Socket probe = new Socket()) {
      probe.connect(
          new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
