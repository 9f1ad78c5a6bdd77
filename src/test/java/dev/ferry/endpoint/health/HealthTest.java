package dev.ferry.endpoint.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.endpoint.FaultyStorage;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.Storage;
import dev.ferry.storage.memory.MemoryStorage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The storage check and the health endpoints of both listeners (dex.md §1.1, §1.2, §11). */
class HealthTest {
  private final AtomicBoolean down = new AtomicBoolean(false);
  private final MemoryStorage memory = new MemoryStorage();
  private WebFixture ferry;

  @BeforeEach
  void start() throws Exception {
    Storage storage =
        FaultyStorage.wrap(memory, down, (method, arg) -> method.equals("createAuthRequest"));
    ferry = WebFixture.builder().storage(storage).build();
  }

  @AfterEach
  void stop() throws Exception {
    ferry.close();
  }

  private HttpResponse<String> telemetry(String path) throws Exception {
    return ferry.send(
        HttpRequest.newBuilder(URI.create(ferry.telemetryBase() + path))
            .timeout(Duration.ofSeconds(10))
            .build());
  }

  @Test
  void startsOutPassing() throws Exception {
    HttpResponse<String> response = telemetry("/healthz");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body())
        .isEqualTo(
            "{\n\t\"storage\": {\n\t\t\"message\": \"didn't run yet\",\n\t\t\"timestamp\": \""
                + "2026-03-04T05:06:07Z\",\n\t\t\"contiguousFailures\": 0,\n"
                + "\t\t\"timeOfFirstFailure\": null\n\t}\n}\n");
    assertThat(ferry.get("/healthz").body()).isEqualTo("Health check passed");
    assertThat(telemetry("/healthz/live").body()).isEqualTo("ok");
  }

  @Test
  void failingStorageTurnsEveryHealthEndpointRed() throws Exception {
    assertThat(ferry.health.runOnce().healthy()).isTrue();
    assertThat(telemetry("/healthz").body()).contains("\"duration\": ").doesNotContain("message");

    down.set(true);
    HealthResult first = ferry.health.runOnce();
    HealthResult second = ferry.health.runOnce();
    assertThat(second.contiguousFailures()).isEqualTo(2);
    assertThat(second.timeOfFirstFailure()).isEqualTo(first.timeOfFirstFailure());

    for (String path : new String[] {"/healthz", "/healthz/ready"}) {
      HttpResponse<String> response = telemetry(path);
      assertThat(response.statusCode()).as(path).isEqualTo(503);
      assertThat(response.body())
          .contains("\"error\": {\n\t\t\t\"message\": \"create auth request: database is down\"\n")
          .contains("\"contiguousFailures\": 2,")
          .contains("\"timeOfFirstFailure\": \"" + first.timeOfFirstFailure() + "\"");
    }
    assertThat(telemetry("/healthz?type=short").body())
        .isEqualTo("{\n\t\"storage\": \"FAIL\"\n}\n");
    assertThat(telemetry("/healthz/live").statusCode()).isEqualTo(200);
    HttpResponse<String> web = ferry.get("/healthz");
    assertThat(web.statusCode()).isEqualTo(500);
    assertThat(web.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(web.body()).contains("Health check failed.");

    down.set(false);
    assertThat(ferry.health.runOnce().contiguousFailures()).isZero();
    assertThat(telemetry("/healthz?type=short").body())
        .isEqualTo("{\n\t\"storage\": \"PASS\"\n}\n");
    assertThat(ferry.get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void theDummyAuthRequestIsDeleted() {
    for (int i = 0; i < 3; i++) {
      assertThat(ferry.health.runOnce().healthy()).isTrue();
    }
    assertThat(memory.garbageCollect(WebFixture.START.plus(Duration.ofDays(1))).authRequests())
        .isZero();
  }

  @Test
  void metricsUseDexNamesAfterAFewRequests() throws Exception {
    ferry.postForm("/token", WebFixture.exchangeForm());
    ferry.get("/token");
    ferry.get("/keys");
    ferry.get("/not-routed");
    String metrics = telemetry("/metrics").body();
    assertThat(metrics)
        .containsPattern("http_requests_total\\{code=\"200\",handler=\"/token\",method=\"post\"} 1")
        .containsPattern("http_requests_total\\{code=\"400\",handler=\"/token\",method=\"get\"} 1")
        .containsPattern("http_requests_total\\{code=\"200\",handler=\"/keys\",method=\"get\"} 1")
        .containsPattern(
            "request_duration_seconds_bucket\\{code=\"200\",handler=\"/token\",method=\"post\",le=\"0.25\"}")
        .containsPattern("request_duration_seconds_bucket\\{[^}]*le=\"10.0\"")
        .containsPattern(
            "response_size_bytes_bucket\\{code=\"200\",handler=\"/keys\",method=\"get\",le=\"1500.0\"}")
        .containsPattern("response_size_bytes_bucket\\{[^}]*le=\"200.0\"")
        .containsPattern("ferry_build_info\\{[^}]*version=\"test\"[^}]*} 1")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_seconds_total")
        .doesNotContain("not-routed");
  }
}
