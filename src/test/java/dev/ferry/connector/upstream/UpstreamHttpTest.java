package dev.ferry.connector.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamIssuer.Fault;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The size cap and the whole-exchange deadline of every upstream request. */
class UpstreamHttpTest {

  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static final int MAX_BYTES = 256 * 1024;

  private UpstreamIssuer upstream;
  private UpstreamHttp http;

  @BeforeEach
  void start() throws Exception {
    upstream = UpstreamIssuer.start();
    http =
        new UpstreamHttp(
            UpstreamTls.context(List.of(), false), Duration.ofSeconds(2), TIMEOUT, MAX_BYTES);
  }

  @AfterEach
  void stop() {
    http.close();
    upstream.close();
  }

  @Test
  void readsANormalResponse() throws Exception {
    UpstreamHttp.Response response = http.get(upstream.uri(UpstreamIssuer.DISCOVERY), null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("application/json");
    assertThat(response.text()).contains("\"jwks_uri\"");
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"HUGE", "HUGE_CHUNKED"})
  void bodiesOverTheCapAreRefused(Fault fault) {
    upstream.fault(UpstreamIssuer.DISCOVERY, fault);
    assertThatThrownBy(() -> http.get(upstream.uri(UpstreamIssuer.DISCOVERY), null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("larger than " + MAX_BYTES + " bytes");
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"HANG", "STALL_BODY"})
  void slowUpstreamsHitTheDeadline(Fault fault) {
    upstream.fault(UpstreamIssuer.DISCOVERY, fault);
    long start = System.nanoTime();
    assertThatThrownBy(() -> http.get(upstream.uri(UpstreamIssuer.DISCOVERY), null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no complete response within 1500 ms");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(5));
  }

  @Test
  void sendsTheBearerToken() throws Exception {
    http.get(upstream.uri(UpstreamIssuer.USERINFO), "tok");
    assertThat(upstream.lastAuthorization(UpstreamIssuer.USERINFO)).contains("Bearer tok");
  }
}
