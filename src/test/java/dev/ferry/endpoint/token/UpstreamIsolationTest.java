package dev.ferry.endpoint.token;

import static dev.ferry.endpoint.WebFixture.exchangeForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.oidc.OidcConnectorFactory;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.testing.UpstreamIssuer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One hanging upstream degrades only its own connector. Connector {@code a}'s upstream holds every
 * JWKS (or userinfo) request until the test releases it; while 50 exchanges through {@code a} are
 * in flight, exchanges through connector {@code b} keep succeeding, and every exchange through
 * {@code a} ends with {@code 401 access_denied} (the answer of a failed verification) within the
 * bulkhead's deadline, before the upstream is released. Before the bulkhead, each of those requests
 * held a CPU worker until the upstream HTTP timeout, and {@code b}'s exchanges got 503.
 */
class UpstreamIsolationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int IN_FLIGHT = 50;
  private static final UpstreamBulkhead.Limits LIMITS =
      new UpstreamBulkhead.Limits(4, 8, Duration.ofSeconds(2));
  // Longer than any wait in this test: only the bulkhead can end a held request early.
  private static final UpstreamHttpSettings SLOW_UPSTREAM =
      UpstreamHttpSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(120));

  @ParameterizedTest(name = "connector a hangs on {0}")
  @ValueSource(strings = {UpstreamIssuer.KEYS, UpstreamIssuer.USERINFO})
  void aHangingUpstreamDegradesOnlyItsConnector(String heldPath) throws Exception {
    boolean userInfo = heldPath.equals(UpstreamIssuer.USERINFO);
    try (UpstreamIssuer upstreamA = UpstreamIssuer.builder().userInfo(userInfo).start();
        UpstreamIssuer upstreamB = UpstreamIssuer.builder().userInfo(false).start();
        HttpClient client = HttpClient.newHttpClient()) {
      Map<String, String> configs =
          Map.of(
              "a", config(upstreamA, userInfo),
              "b", config(upstreamB, false));
      Map<String, Connector> opened = new ConcurrentHashMap<>();
      try (WebFixture ferry = ferry(configs, opened, LIMITS)) {
        try {
          String tokenA = upstreamA.token().build();
          String tokenB = upstreamB.token().build();
          // b is healthy and warm (discovery and JWKS cached) before a's upstream starts to hang.
          assertThat(exchange(ferry, "b", tokenB).statusCode()).isEqualTo(200);
          if (userInfo) {
            // a's JWKS is cached too, so that a's requests reach userinfo, where they hang.
            assertThat(exchange(ferry, "a", tokenA).statusCode()).isEqualTo(200);
          }
          upstreamA.fault(heldPath, UpstreamIssuer.Fault.HOLD);

          List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
          for (int i = 0; i < IN_FLIGHT; i++) {
            held.add(
                client.sendAsync(
                    exchangeRequest(ferry, "a", tokenA).build(),
                    HttpResponse.BodyHandlers.ofString()));
          }
          assertThat(upstreamA.awaitHeld(Duration.ofSeconds(20)))
              .as("a request of connector a reached its hanging upstream")
              .isTrue();

          // While a's upstream holds its calls, b serves exchanges as usual.
          for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = exchange(ferry, "b", tokenB);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("access_token").asText()).isNotEmpty();
          }

          // Every one of a's requests ends, still before the upstream is released, with the answer
          // of a failed verification: never a hang, a 500 or a 503.
          CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
          for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.join().statusCode()).isEqualTo(401);
            assertThat(response.join().body()).isEqualTo("{\"error\":\"access_denied\"}");
          }
          // The bulkhead bounded what reached the hanging upstream.
          assertThat(upstreamA.requests(heldPath)).isBetween(1, LIMITS.maxConcurrent() + 1);
        } finally {
          upstreamA.release();
          opened.values().forEach(Connector::close);
        }
      }
    }
  }

  /**
   * Waiting on an upstream or on the CPU workers holds no platform thread. Four connectors whose
   * upstreams hang on userinfo each have 60 exchanges waiting there (240 in all, more than the
   * listener's 200 platform threads), with a bulkhead that lets every one of them wait far longer
   * than this test runs; a healthy connector is still served at once, while all of them wait.
   */
  @Test
  void exchangesWaitingOnUpstreamsDoNotStarveTheListener() throws Exception {
    int hungConnectors = 4;
    int perConnector = 60;
    UpstreamBulkhead.Limits patient =
        new UpstreamBulkhead.Limits(perConnector, perConnector, Duration.ofSeconds(60));
    List<UpstreamIssuer> hung = new ArrayList<>();
    try (UpstreamIssuer healthy = UpstreamIssuer.builder().userInfo(false).start();
        HttpClient client = HttpClient.newHttpClient()) {
      Map<String, String> configs = new ConcurrentHashMap<>();
      configs.put("b", config(healthy, false));
      for (int i = 0; i < hungConnectors; i++) {
        UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(true).start();
        hung.add(upstream);
        configs.put("a" + i, config(upstream, true));
      }
      Map<String, Connector> opened = new ConcurrentHashMap<>();
      try (WebFixture ferry = ferry(configs, opened, patient)) {
        try {
          String tokenB = healthy.token().build();
          assertThat(exchange(ferry, "b", tokenB).statusCode()).isEqualTo(200);
          List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
          for (int i = 0; i < hungConnectors; i++) {
            UpstreamIssuer upstream = hung.get(i);
            String token = upstream.token().build();
            // Warm (discovery and JWKS cached), so that every exchange goes on to its own userinfo
            // call and waits there.
            assertThat(exchange(ferry, "a" + i, token).statusCode()).isEqualTo(200);
            upstream.fault(UpstreamIssuer.USERINFO, UpstreamIssuer.Fault.HOLD);
            for (int n = 0; n < perConnector; n++) {
              waiting.add(
                  client.sendAsync(
                      exchangeRequest(ferry, "a" + i, token).build(),
                      HttpResponse.BodyHandlers.ofString()));
            }
          }
          // Until every waiting exchange has reached its upstream, or long enough to show that
          // they cannot all get there (which is the failure this test is about).
          int arrived = 0;
          for (UpstreamIssuer upstream : hung) {
            for (int n = 0; n < perConnector; n++) {
              if (!upstream.awaitHeld(Duration.ofSeconds(arrived == 0 ? 20 : 2))) {
                break;
              }
              arrived++;
            }
          }

          HttpResponse<String> served =
              client.send(
                  exchangeRequest(ferry, "b", tokenB).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
          assertThat(arrived).isEqualTo(hungConnectors * perConnector);
          assertThat(waiting).noneMatch(CompletableFuture::isDone);
        } finally {
          hung.forEach(UpstreamIssuer::release);
          opened.values().forEach(Connector::close);
        }
      }
    } finally {
      hung.forEach(UpstreamIssuer::close);
    }
  }

  /**
   * Ferry with one stored oidc connector per entry of {@code configs} (id to connector config),
   * each opened once, on the fixture's CPU workers, with the given bulkhead.
   */
  private static WebFixture ferry(
      Map<String, String> configs, Map<String, Connector> opened, UpstreamBulkhead.Limits limits)
      throws Exception {
    return WebFixture.builder()
        .settings(s -> s.workers(2, 256, Duration.ofSeconds(10)))
        .setup(
            storage -> configs.keySet().forEach(id -> storage.connectors().create(connector(id))))
        .connectorsWith((storage, cpu) ->
            id -> {
              Optional<dev.ferry.storage.Connector> definition = storage.connectors().get(id);
              String config = configs.get(id);
              if (definition.isEmpty() || config == null) {
                return Optional.empty();
              }
              Connector connector =
                  opened.computeIfAbsent(id, key -> open(key, config, cpu, limits));
              return Optional.of(new OpenedConnector(definition.get(), connector));
            })
        .build();
  }

  private static Connector open(
      String id, String config, dev.ferry.cpu.CpuLane cpu, UpstreamBulkhead.Limits limits) {
    try {
      return new OidcConnectorFactory(Clock.systemUTC(), SLOW_UPSTREAM, cpu, limits)
          .open(id, config);
    } catch (ConnectorException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String config(UpstreamIssuer upstream, boolean getUserInfo) {
    try {
      return JSON.writeValueAsString(
          Map.of(
              "issuer",
              upstream.issuer(),
              "scopes",
              List.of("openid", "groups"),
              "getUserInfo",
              getUserInfo));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static dev.ferry.storage.Connector connector(String id) {
    return new dev.ferry.storage.Connector(id, "oidc", id, "1", "{}", List.of());
  }

  private static HttpResponse<String> exchange(WebFixture ferry, String connector, String token)
      throws Exception {
    return ferry.send(exchangeRequest(ferry, connector, token).build());
  }

  private static HttpRequest.Builder exchangeRequest(
      WebFixture ferry, String connector, String token) {
    Map<String, String> form = exchangeForm();
    form.put("connector_id", connector);
    form.put("subject_token_type", TokenTypes.ID_TOKEN);
    form.put("subject_token", token);
    return ferry
        .request("/token")
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(WebFixture.encode(form)));
  }
}
