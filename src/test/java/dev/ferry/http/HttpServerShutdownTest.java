package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

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
    HttpServer server =
        new HttpServer(
            HttpServerSettings.builder().httpAddress("127.0.0.1:0").build(),
            Router.builder("/dex", new SecureRandom())
                .route(
                    "/slow",
                    r -> {
                      inside.countDown();
                      Thread.sleep(1000);
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
    server.close();
    HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("done");
  }
}
