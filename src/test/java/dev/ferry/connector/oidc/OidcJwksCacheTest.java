package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream JWKS cache: bounded refetch under a flood of unknown {@code kid}s (go-oidc
 * oidc/jwks.go RemoteKeySet refetches on an unknown key; a flood must not make that unbounded),
 * prompt pick-up of a real rotation, key removal, {@code kid} reuse, and outage tolerance. The
 * clock is injected and only moved by hand, so every window below is exact.
 */
class OidcJwksCacheTest {

  private final MutableClock clock = MutableClock.atFixedStart();
  private UpstreamIssuer upstream;
  private OidcConnector connector;

  @BeforeEach
  void start() throws Exception {
    upstream = UpstreamIssuer.builder().clock(clock).start();
    connector = TestConnectors.open(upstream, clock, Map.of());
  }

  @AfterEach
  void stop() {
    connector.close();
    upstream.close();
  }

  @Test
  void floodOfRandomKidsCostsTheFirstLoadPlusTwoRefetches() throws Exception {
    int rejected = 0;
    for (int i = 0; i < 500; i++) {
      String token = upstream.token().kid(UUID.randomUUID().toString()).build();
      try {
        connector.tokenIdentity(ID_TOKEN, token).identity();
      } catch (IdentityException e) {
        rejected++;
      }
    }
    assertThat(rejected).isEqualTo(500);
    assertThat(upstream.requests(UpstreamIssuer.KEYS)).isLessThanOrEqualTo(3);

    // Genuine tokens still verify from the cache, without another fetch.
    int fetches = upstream.requests(UpstreamIssuer.KEYS);
    assertThat(connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity().userId())
        .isEqualTo("subvalue");
    assertThat(upstream.requests(UpstreamIssuer.KEYS)).isEqualTo(fetches);
  }

  @Test
  void concurrentFloodIsBoundedToo() throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      tokens.add(upstream.token().kid("flood-" + i).build());
    }
    AtomicInteger accepted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        done.add(
            pool.submit(() -> {
              for (int i = offset; i < tokens.size(); i += 4) {
                try {
                  connector.tokenIdentity(ID_TOKEN, tokens.get(i)).identity();
                  accepted.incrementAndGet();
                } catch (IdentityException expected) {
                  // every flood token is refused
                }
              }
            }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(accepted).hasValue(0);
    assertThat(upstream.requests(UpstreamIssuer.KEYS)).isLessThanOrEqualTo(3);
  }

  @Test
  void rotationIsPickedUpByTheFirstTokenWithTheNewKey() throws Exception {
    assertThat(connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity().userId())
        .isEqualTo("subvalue");
    assertThat(upstream.requests(UpstreamIssuer.KEYS)).isEqualTo(1);

    upstream.rotateRsaKey();
    String signedWithNewKey = upstream.token().build();

    // No time passes: the cache has not expired, the unknown kid alone triggers the refetch.
    assertThat(connector.tokenIdentity(ID_TOKEN, signedWithNewKey).identity().userId())
        .isEqualTo("subvalue");
    assertThat(upstream.requests(UpstreamIssuer.KEYS)).isEqualTo(2);
  }

  @Test
  void removedKeyStopsVerifyingOnceTheNewSetIsFetched() throws Exception {
    String signedWithOldKey = upstream.token().build();
    connector.tokenIdentity(ID_TOKEN, signedWithOldKey).identity();
    upstream.rotateRsaKey();
    connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity();

    assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, signedWithOldKey).identity())
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("no matching key");
  }

  @Test
  void rotationRightAfterAFloodWaitsOneRefetchInterval() throws Exception {
    for (int i = 0; i < 50; i++) {
      String token = upstream.token().kid("flood-" + i).build();
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity());
    }
    upstream.rotateRsaKey();
    String signedWithNewKey = upstream.token().build();
    assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, signedWithNewKey).identity())
        .hasMessageContaining("refetched too recently");

    clock.advance(TestConnectors.FAST.jwksRefetchInterval());
    assertThat(connector.tokenIdentity(ID_TOKEN, signedWithNewKey).identity().userId())
        .isEqualTo("subvalue");
  }

  @Test
  void reusedKidWithNewKeyMaterialIsPickedUpWhenTheCacheExpires() throws Exception {
    connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity();
    upstream.replaceRsaKeyKeepingKid();
    String token = upstream.token().build();

    // A known kid with a bad signature does not refetch: only an unknown kid does.
    assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
        .hasMessageContaining("Invalid signature");
    assertThat(upstream.requests(UpstreamIssuer.KEYS)).isEqualTo(1);

    clock.advance(TestConnectors.FAST.jwksCacheTtl().plusSeconds(1));
    assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId()).isEqualTo("subvalue");
  }

  @Test
  void exhaustedRefetchBudgetDoesNotBlockTheTtlRefresh() throws Exception {
    // A TTL shorter than the rate-limit window, so the cache expires while the budget is spent.
    UpstreamHttpSettings settings =
        TestConnectors.FAST.withJwks(Duration.ofSeconds(5), Duration.ofSeconds(60));
    try (OidcConnector shortTtl =
        TestConnectors.open(clock, settings, TestConnectors.config(upstream, Map.of()))) {
      shortTtl.tokenIdentity(ID_TOKEN, upstream.token().build()).identity();
      for (int i = 0; i < 20; i++) {
        String token = upstream.token().kid("flood-" + i).build();
        assertThatThrownBy(() -> shortTtl.tokenIdentity(ID_TOKEN, token).identity())
            .isInstanceOf(IdentityException.class);
      }
      int fetches = upstream.requests(UpstreamIssuer.KEYS);
      assertThat(fetches).isLessThanOrEqualTo(3);

      upstream.rotateRsaKey();
      clock.advance(Duration.ofSeconds(6));
      assertThat(shortTtl.tokenIdentity(ID_TOKEN, upstream.token().build()).identity().userId())
          .isEqualTo("subvalue");
      assertThat(upstream.requests(UpstreamIssuer.KEYS)).isEqualTo(fetches + 1);
    }
  }

  @Test
  void lastGoodKeysBridgeAnOutageOfTheJwksEndpoint() throws Exception {
    connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity();
    upstream.fault(UpstreamIssuer.KEYS, UpstreamIssuer.Fault.SERVER_ERROR);
    clock.advance(TestConnectors.FAST.jwksCacheTtl().plus(Duration.ofMinutes(1)));

    String token = upstream.token().build();
    assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId()).isEqualTo("subvalue");
    assertThat(upstream.requests(UpstreamIssuer.KEYS)).isGreaterThan(1);
  }

  @Test
  void outageLongerThanTheToleranceFailsClosed() throws Exception {
    connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity();
    upstream.fault(UpstreamIssuer.KEYS, UpstreamIssuer.Fault.SERVER_ERROR);
    clock.advance(TestConnectors.FAST.jwksOutageTolerance().plus(Duration.ofMinutes(10)));

    String token = upstream.token().build();
    assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
        .isInstanceOf(IdentityException.class);
  }
}
