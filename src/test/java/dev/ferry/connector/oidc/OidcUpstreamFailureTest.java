package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ACCESS_TOKEN;
import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamIssuer.Fault;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A misbehaving upstream never fails {@code open}, never hangs a request past the configured
 * deadline, and is not hammered while it is down (Dex: DEX_CONTINUE_ON_CONNECTOR_FAILURE).
 */
class OidcUpstreamFailureTest {

  /** Test request deadline is 1.5 s; anything answered must come well within this. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  private final MutableClock clock = MutableClock.atFixedStart();
  private UpstreamIssuer upstream;

  @BeforeEach
  void start() {
    upstream = UpstreamIssuer.builder().clock(clock).start();
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  static Stream<Arguments> brokenEndpoints() {
    return Stream.of(
            Fault.SERVER_ERROR,
            Fault.BAD_JSON,
            Fault.HANG,
            Fault.HUGE,
            Fault.HUGE_CHUNKED,
            Fault.STALL_BODY)
        .flatMap(fault ->
            Stream.of(
                Arguments.of(UpstreamIssuer.DISCOVERY, fault),
                Arguments.of(UpstreamIssuer.KEYS, fault),
                Arguments.of(UpstreamIssuer.USERINFO, fault)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("brokenEndpoints")
  void brokenEndpointGivesIdentityExceptionWithinTheDeadline(String path, Fault fault)
      throws Exception {
    upstream.fault(path, fault);
    long start = System.nanoTime();
    try (OidcConnector connector =
        TestConnectors.open(
            upstream, clock, Map.of("getUserInfo", path.equals(UpstreamIssuer.USERINFO)))) {
      String token = upstream.token().build();
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .isInstanceOf(IdentityException.class);
    }
    // open (one discovery attempt) plus one request: each bounded by the 1.5 s deadline.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
  }

  @Test
  void openSucceedsWhileDiscoveryFailsAndRetriesWithBackoff() throws Exception {
    upstream.fault(UpstreamIssuer.DISCOVERY, Fault.SERVER_ERROR);
    try (OidcConnector connector = TestConnectors.open(upstream, clock, Map.of())) {
      assertThat(upstream.requests(UpstreamIssuer.DISCOVERY)).isEqualTo(1);
      assertThat(connector.upstreamProblem())
          .hasValueSatisfying(p -> assertThat(p).contains("500"));
      String token = upstream.token().build();

      // Within the first backoff (1 s) requests fail fast without touching the upstream.
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
            .hasMessageContaining("next discovery attempt");
      }
      assertThat(upstream.requests(UpstreamIssuer.DISCOVERY)).isEqualTo(1);

      clock.advance(Duration.ofSeconds(1));
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .hasMessageContaining("discovery failed");
      assertThat(upstream.requests(UpstreamIssuer.DISCOVERY)).isEqualTo(2);

      // The backoff has doubled to 2 s.
      clock.advance(Duration.ofSeconds(1));
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .hasMessageContaining("next discovery attempt");
      assertThat(upstream.requests(UpstreamIssuer.DISCOVERY)).isEqualTo(2);

      upstream.fault(UpstreamIssuer.DISCOVERY, Fault.NONE);
      clock.advance(Duration.ofSeconds(1));
      assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
          .isEqualTo("subvalue");
      assertThat(connector.upstreamProblem()).isEmpty();

      // Discovered once, kept: no further discovery requests.
      connector.tokenIdentity(ID_TOKEN, token).identity();
      assertThat(upstream.requests(UpstreamIssuer.DISCOVERY)).isEqualTo(3);
    }
  }

  @Test
  void backoffIsCappedAtTheMaximum() throws Exception {
    upstream.fault(UpstreamIssuer.DISCOVERY, Fault.SERVER_ERROR);
    try (OidcConnector connector = TestConnectors.open(upstream, clock, Map.of())) {
      String token = upstream.token().build();
      for (int i = 0; i < 6; i++) {
        clock.advance(TestConnectors.FAST.discoveryRetryMax());
        assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
            .hasMessageContaining("discovery failed");
      }
      assertThat(upstream.requests(UpstreamIssuer.DISCOVERY)).isEqualTo(7);
    }
  }

  @Test
  void unreachableUpstreamStillOpens() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, Object> config =
        Map.of("issuer", "http://127.0.0.1:" + closedPort, "scopes", List.of("groups"));
    try (OidcConnector connector = TestConnectors.open(clock, TestConnectors.FAST, config)) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("upstream");
    }
  }

  @Test
  void discoveryIssuerMismatchIsRefused() throws Exception {
    upstream.discoveryIssuer("https://somebody-else.example.com");
    try (OidcConnector connector = TestConnectors.open(upstream, clock, Map.of())) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity())
          .hasMessageContaining("did not match the issuer URL returned by provider");
    }
  }

  @Test
  void trailingSlashMakesADifferentIssuer() throws Exception {
    Map<String, Object> config =
        Map.of("issuer", upstream.issuer() + "/", "scopes", List.of("groups"));
    try (OidcConnector connector = TestConnectors.open(clock, TestConnectors.FAST, config)) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity())
          .hasMessageContaining("did not match");
      // The discovery URL itself is built without the trailing slash (no "//.well-known").
      assertThat(upstream.requests(UpstreamIssuer.DISCOVERY)).isEqualTo(1);
    }
  }

  @Test
  void issuerAliasReplacesTheExpectedIssuer() throws Exception {
    String alias = "https://login.example.com/tenant/v2.0";
    upstream.discoveryIssuer(alias);
    try (OidcConnector connector =
        TestConnectors.open(upstream, clock, Map.of("issuerAlias", alias))) {
      assertThat(
              connector
                  .tokenIdentity(ID_TOKEN, upstream.token().issuer(alias).build())
                  .identity()
                  .userId())
          .isEqualTo("subvalue");
      assertThatThrownBy(
              () -> connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity())
          .hasMessageContaining("different provider");
    }
  }

  @Test
  void discoveryOverridesRedirectJwksAndUserInfo() throws Exception {
    try (UpstreamIssuer keysElsewhere = UpstreamIssuer.builder().clock(clock).start()) {
      // Tokens signed by the second server's key verify only if its JWKS is the one used.
      String token = keysElsewhere.token().issuer(upstream.issuer()).build();
      Map<String, Object> overrides =
          Map.of(
              "jwksURL", keysElsewhere.issuer() + UpstreamIssuer.KEYS,
              "userInfoURL", keysElsewhere.issuer() + UpstreamIssuer.USERINFO);
      try (OidcConnector connector =
          TestConnectors.open(
              upstream,
              clock,
              Map.of("providerDiscoveryOverrides", overrides, "getUserInfo", true))) {
        assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
            .isEqualTo("subvalue");
      }
      assertThat(keysElsewhere.requests(UpstreamIssuer.KEYS)).isEqualTo(1);
      assertThat(keysElsewhere.requests(UpstreamIssuer.USERINFO)).isEqualTo(1);
      assertThat(upstream.requests(UpstreamIssuer.KEYS)).isZero();
      assertThat(upstream.requests(UpstreamIssuer.USERINFO)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Fault.class,
      names = {"SERVER_ERROR", "BAD_JSON"})
  void userInfoFailureRefusesAccessToken(Fault fault) throws Exception {
    upstream.fault(UpstreamIssuer.USERINFO, fault);
    try (OidcConnector connector =
        TestConnectors.open(upstream, clock, Map.of("getUserInfo", true))) {
      String token = upstream.opaqueAccessToken(Map.of("sub", "s", "name", "n"));
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, token).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("userinfo");
    }
  }
}
