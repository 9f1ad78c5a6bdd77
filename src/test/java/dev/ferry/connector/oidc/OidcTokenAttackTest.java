package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ACCESS_TOKEN;
import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import dev.ferry.testing.UpstreamToken.Signing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Forged and malformed upstream tokens (RFC 8725 §2-3): {@code alg} confusion ({@code none}, HS256
 * with the RSA key, an {@code alg} outside the allow-list, a key that does not match the {@code
 * alg}), header-driven key selection ({@code jku}, {@code x5u}, {@code jwk}; {@code kid} is only a
 * hint), time checks and duplicate parameters.
 */
class OidcTokenAttackTest {

  private static final MutableClock CLOCK = MutableClock.atFixedStart();
  private static UpstreamIssuer upstream;
  private static UpstreamIssuer other;

  @BeforeAll
  static void startUpstreams() {
    upstream =
        UpstreamIssuer.builder().clock(CLOCK).signingAlgorithms("RS256", "ES256", "EdDSA").start();
    other = UpstreamIssuer.builder().clock(CLOCK).start();
  }

  @AfterAll
  static void stopUpstreams() {
    upstream.close();
    other.close();
  }

  @BeforeEach
  void resetCounts() {
    upstream.resetCounts();
  }

  static Stream<Arguments> forgeries() {
    return Stream.of(
        forged("alg none, no signature", "not a signed JWS", t -> t.signedWith(Signing.NONE)),
        forged(
            "alg none with a real RSA signature attached",
            "malformed jwt",
            t -> t.alg("none").signedWith(Signing.RSA).alg("none")),
        forged(
            "HS256 keyed with the upstream's RSA public key",
            "no matching key",
            t -> t.signedWith(Signing.HMAC_WITH_PUBLIC_KEY)),
        forged(
            "HS256 label on an RSA signature",
            "no matching key",
            t -> t.signedWith(Signing.RSA).alg("HS256")),
        forged(
            "RS256 signed by a key the upstream never published",
            "Invalid signature",
            t -> t.signedWith(Signing.UNPUBLISHED_RSA)),
        forged("unknown kid", "no matching key", t -> t.kid("kid-that-does-not-exist")),
        forged("path traversal in kid", "no matching key", t -> t.kid("../../../../etc/passwd")),
        forged("SQL in kid", "no matching key", t -> t.kid("' OR '1'='1")),
        forged("NUL and newline in kid", "no matching key", t -> t.kid("rsa-1\u0000\n")),
        forged("10 KB kid", "no matching key", t -> t.kid("k".repeat(10_000))),
        forged(
            "ES256 label with the RSA key's kid (key type mismatch)",
            "no matching key",
            t -> t.signedWith(Signing.RSA).alg("ES256")),
        forged(
            "payload tampered after signing",
            "Invalid signature",
            t -> t.tamperPayload(bytes -> replace(bytes, "subvalue", "admin123"))),
        forged("expired", "expired", t -> t.expiresAt(CLOCK.instant().minusSeconds(30))),
        forged(
            "nbf six minutes ahead",
            "nbf",
            t -> t.notBefore(CLOCK.instant().plus(Duration.ofMinutes(6)))),
        forged("another issuer's iss", "different provider", t -> t.issuer(other.issuer())),
        forged("iss missing", "different provider", t -> t.without("iss")),
        forged("iss as an array", "iss", t -> t.claim("iss", List.of(upstream.issuer()))),
        forged("exp as a string", "exp", t -> t.claim("exp", "4102444800")),
        forged(
            "payload is not JSON",
            "not a valid JSON object",
            t -> t.rawPayload("this is not json")),
        forged("payload is a JSON array", "not a valid JSON object", t -> t.rawPayload("[1,2,3]")),
        forged(
            "duplicate sub claim",
            "not a valid JSON object",
            t ->
                t.rawPayload(
                    "{\"iss\":\""
                        + upstream.issuer()
                        + "\",\"sub\":\"subvalue\",\"sub\":\"admin\",\"name\":\"n\",\"exp\":"
                        + (CLOCK.instant().getEpochSecond() + 3600)
                        + "}")),
        forged(
            "crit names a parameter nobody understands",
            "Invalid signature",
            t ->
                t.header("crit", List.of("urn:example:must-understand"))
                    .header("urn:example:must-understand", true)));
  }

  private static Arguments forged(
      String name, String reason, Function<UpstreamToken, UpstreamToken> change) {
    return Arguments.of(name, reason, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgeries")
  void rejectsForgedIdToken(
      String name, String reason, Function<UpstreamToken, UpstreamToken> change) throws Exception {
    String token = change.apply(upstream.token().unknownToUserInfo()).build();
    try (OidcConnector connector = open()) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageStartingWith("oidc: failed to verify token")
          .hasMessageContaining(reason);
      // The same token as a self-contained access token is held to the same checks.
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, token).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageStartingWith("oidc: failed to verify token");
    }
  }

  @Test
  void noneAndHmacNeverReachTheKeySource() throws Exception {
    try (OidcConnector connector = open()) {
      for (Signing signing : List.of(Signing.NONE, Signing.HMAC_WITH_PUBLIC_KEY)) {
        String token = upstream.token().signedWith(signing).build();
        assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
            .isInstanceOf(IdentityException.class);
      }
      assertThat(upstream.requests(UpstreamIssuer.KEYS)).isZero();
    }
  }

  @Test
  void keyUrlHeadersAreNeverFetched() throws Exception {
    RSAKey attacker = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("evil").generate();
    String jku = upstream.uri("/attacker/jwks.json").toString();
    String x5u = upstream.uri("/attacker/cert.pem").toString();
    String token =
        upstream
            .token()
            .signedWith(Signing.UNPUBLISHED_RSA)
            .kid("evil")
            .header("jku", jku)
            .header("x5u", x5u)
            .header("jwk", attacker.toPublicJWK().toJSONObject())
            .header("x5c", List.of(caCertificateBase64()))
            .build();
    try (OidcConnector connector = open()) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .isInstanceOf(IdentityException.class);
    }
    assertThat(upstream.absoluteRequests("/attacker/jwks.json")).isZero();
    assertThat(upstream.absoluteRequests("/attacker/cert.pem")).isZero();
  }

  @Test
  void tokenOfAnotherIssuerWithTheSameKidAndOurIssIsRejected() throws Exception {
    // Both fixtures name their RSA key "rsa-1"; only the signature tells them apart.
    assertThat(other.rsaKey().getKeyID()).isEqualTo(upstream.rsaKey().getKeyID());
    String token = other.token().issuer(upstream.issuer()).build();
    try (OidcConnector connector = open()) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .hasMessageContaining("signature");
    }
  }

  static Stream<Arguments> malformed() {
    String header = Base64URL.encode("{\"alg\":\"RS256\"}").toString();
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("one part", "abc"),
        Arguments.of("two parts", header + ".e30"),
        Arguments.of("four parts", header + ".e30.c2ln.extra"),
        Arguments.of("JWE (five parts)", header + ".a.b.c.d"),
        Arguments.of("JWS JSON serialization", "{\"payload\":\"e30\",\"signatures\":[]}"),
        Arguments.of("header not base64", "%%%.e30.c2ln"),
        Arguments.of("header not JSON", Base64URL.encode("nope") + ".e30.c2ln"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedTokens(String name, String token) throws Exception {
    try (OidcConnector connector = open()) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .isInstanceOf(IdentityException.class);
    }
  }

  @Test
  void oneMegabyteTokenIsRefusedUnparsedAndUnfetched() throws Exception {
    String huge = upstream.token().claim("padding", "x".repeat(1 << 20)).build();
    try (OidcConnector connector = open()) {
      upstream.resetCounts();
      long start = System.nanoTime();
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, huge).identity())
          .hasMessageContaining("longer than");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(upstream.totalRequests()).isZero();
    }
  }

  @Test
  void acceptsEveryAdvertisedAlgorithmFamily() throws Exception {
    try (OidcConnector connector = open()) {
      for (Signing signing : List.of(Signing.RSA, Signing.EC, Signing.ED25519)) {
        String token = upstream.token().signedWith(signing).build();
        assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
            .as(signing.name())
            .isEqualTo("subvalue");
      }
    }
  }

  @Test
  void ed25519SignatureOverOtherBytesIsRejected() throws Exception {
    String token =
        upstream
            .token()
            .signedWith(Signing.ED25519)
            .tamperPayload(bytes -> replace(bytes, "namevalue", "evilvalue"))
            .build();
    try (OidcConnector connector = open()) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .hasMessageContaining("signature");
    }
  }

  @Test
  void rejectedTokensAreLoggedByDigestOnly() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(OidcConnector.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level previous = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
    String token = upstream.token().expiresAt(CLOCK.instant().minusSeconds(1)).build();
    try (OidcConnector connector = open()) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity());
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(previous);
    }
    assertThat(appender.list).isNotEmpty();
    String signature = token.substring(token.lastIndexOf('.') + 1);
    for (ILoggingEvent event : appender.list) {
      assertThat(event.getFormattedMessage())
          .doesNotContain(token)
          .doesNotContain(signature)
          .contains(OidcConnector.fingerprint(token));
    }
  }

  private static String caCertificateBase64() {
    String pem = UpstreamIssuer.testCaPem();
    return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
  }

  private static void replace(byte[] bytes, String from, String to) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    byte[] changed = text.replace(from, to).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(changed, 0, bytes, 0, Math.min(changed.length, bytes.length));
  }

  private static OidcConnector open() throws Exception {
    return TestConnectors.open(upstream, CLOCK, Map.of());
  }
}
