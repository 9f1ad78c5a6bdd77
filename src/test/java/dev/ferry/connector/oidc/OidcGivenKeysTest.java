package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ACCESS_TOKEN;
import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import dev.ferry.testing.UpstreamToken.Signing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Private issuers: an {@code oidc} connector given its upstream's keys ({@code jwks} inline or
 * {@code jwksFile}) verifies tokens with no discovery, JWKS or userinfo request, while its issuer
 * URL is unreachable; a {@code jwksFile} is re-read on a change (by the injected clock) and a
 * broken file keeps the last good keys. The {@link UpstreamIssuer} here only mints tokens and
 * counts requests, which must stay at zero.
 */
class OidcGivenKeysTest {

  /** Nothing listens on port 1: any request there would fail, and the tests would see it. */
  private static final String UNREACHABLE = "http://127.0.0.1:1";

  private static final MutableClock CLOCK = MutableClock.atFixedStart();
  private static UpstreamIssuer upstream;

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger fileLog = (Logger) LoggerFactory.getLogger(JwksFileKeys.class);

  @BeforeAll
  static void startUpstream() {
    upstream = UpstreamIssuer.builder().clock(CLOCK).userInfo(true).start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.close();
  }

  @BeforeEach
  void captureLogs() {
    upstream.resetCounts();
    logs.start();
    fileLog.addAppender(logs);
    fileLog.setLevel(Level.INFO);
  }

  @AfterEach
  void noUpstreamRequests() {
    fileLog.detachAppender(logs);
    fileLog.setLevel(null);
    assertThat(upstream.totalRequests()).as("requests to the upstream").isZero();
  }

  // ---- inline jwks

  @Test
  void inlineJwksVerifiesEveryKeyFamilyWhileTheIssuerIsUnreachable() throws Exception {
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwks", jwks(upstream.jwks())))) {
      for (Signing signing : List.of(Signing.RSA, Signing.EC, Signing.ED25519)) {
        String token = upstream.token().issuer(UNREACHABLE).signedWith(signing).build();
        assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
            .as(signing.name())
            .isEqualTo("subvalue");
      }
      assertThat(connector.upstreamProblem()).isEmpty();
      assertThat(connector.tokenIssuer()).contains(UNREACHABLE);
    }
  }

  @Test
  void inlineJwksAsJsonStringMakesNoRequestToAReachableIssuer() throws Exception {
    String json = upstream.jwks().toString(true);
    try (OidcConnector connector = open(upstream.issuer(), Map.of("jwks", json))) {
      String token = upstream.token().build();
      assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
          .isEqualTo("subvalue");
      // A compact-JWS access token verifies like an ID token, as without given keys.
      assertThat(connector.tokenIdentity(ACCESS_TOKEN, token).identity().userId())
          .isEqualTo("subvalue");
    }
    // noUpstreamRequests: not even discovery at open, although the issuer answers.
  }

  @Test
  void opaqueAccessTokenIsRefusedWithoutAskingUserinfo() throws Exception {
    String opaque = upstream.opaqueAccessToken(Map.of("sub", "someone"));
    try (OidcConnector connector = open(upstream.issuer(), Map.of("jwks", jwks(upstream.jwks())))) {
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, opaque))
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("opaque access token")
          .hasMessageContaining("userinfo is unavailable");
    }
  }

  @Test
  void issuerAliasIsTheExpectedIssuer() throws Exception {
    String alias = "https://kubernetes.default.svc.cluster.local";
    Map<String, Object> config = Map.of("issuerAlias", alias, "jwks", jwks(upstream.jwks()));
    try (OidcConnector connector = open(UNREACHABLE, config)) {
      assertThat(connector.tokenIssuer()).contains(alias);
      String aliased = upstream.token().issuer(alias).build();
      assertThat(connector.tokenIdentity(ID_TOKEN, aliased).identity().userId())
          .isEqualTo("subvalue");
      String plain = upstream.token().issuer(UNREACHABLE).build();
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, plain))
          .hasMessageContaining("different provider");
    }
  }

  @Test
  void algorithmsAreThoseOfTheKeys() throws Exception {
    RSAKey rsa = upstream.rsaKey();
    String ps256 =
        upstream.token().issuer(UNREACHABLE).signedWith(Signing.RSA).alg("PS256").build();
    String es256 = upstream.token().issuer(UNREACHABLE).signedWith(Signing.EC).build();
    // An RSA key without alg: RS and PS; no EC key, so ES256 is not accepted at all.
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwks", jwks(rsa.toPublicJWK())))) {
      assertThat(connector.tokenIdentity(ID_TOKEN, ps256).identity().userId())
          .isEqualTo("subvalue");
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, es256))
          .hasMessageContaining("no matching key");
    }
    // The same key pinned to RS256 by its alg: PS256 is refused.
    JWK rs256Only =
        new RSAKey.Builder(rsa.toRSAPublicKey())
            .keyID(rsa.getKeyID())
            .algorithm(com.nimbusds.jose.JWSAlgorithm.RS256)
            .build();
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwks", jwks(rs256Only)))) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, ps256))
          .hasMessageContaining("no matching key");
      String rs256 = upstream.token().issuer(UNREACHABLE).build();
      assertThat(connector.tokenIdentity(ID_TOKEN, rs256).identity().userId())
          .isEqualTo("subvalue");
    }
  }

  // ---- RFC 8725 with given keys

  static Stream<Arguments> forgeries() throws Exception {
    RSAKey attacker = new RSAKeyGenerator(2048).keyID("evil").generate();
    return Stream.of(
        forged("alg none", "not a signed JWS", t -> t.signedWith(Signing.NONE)),
        forged(
            "HS256 keyed with the RSA public key bytes",
            "no matching key",
            t -> t.signedWith(Signing.HMAC_WITH_PUBLIC_KEY)),
        forged("unknown kid", "no matching key", t -> t.kid("kid-that-does-not-exist")),
        forged(
            "jku, x5u and an embedded jwk naming the attacker's key",
            "no matching key",
            t ->
                t.signedWith(Signing.UNPUBLISHED_RSA)
                    .kid("evil")
                    .header("jku", upstream.uri("/attacker/jwks.json").toString())
                    .header("x5u", upstream.uri("/attacker/cert.pem").toString())
                    .header("jwk", attacker.toPublicJWK().toJSONObject())),
        forged(
            "our kid, signed by a key we were not given",
            "Invalid signature",
            t -> t.signedWith(Signing.UNPUBLISHED_RSA)),
        forged("another issuer", "different provider", t -> t.issuer("https://evil.example")),
        forged(
            "the unreachable URL with a trailing slash",
            "different provider",
            t -> t.issuer(UNREACHABLE + "/")),
        forged("expired", "expired", t -> t.expiresAt(CLOCK.instant().minusSeconds(1))));
  }

  private static Arguments forged(
      String name, String reason, Function<UpstreamToken, UpstreamToken> change) {
    return Arguments.of(name, reason, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgeries")
  void refusesForgedTokens(
      String name, String reason, Function<UpstreamToken, UpstreamToken> change) throws Exception {
    String token = change.apply(upstream.token().issuer(UNREACHABLE).unknownToUserInfo()).build();
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwks", jwks(upstream.jwks())))) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token))
          .isInstanceOf(IdentityException.class)
          .hasMessageStartingWith("oidc: failed to verify token")
          .hasMessageContaining(reason);
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, token))
          .isInstanceOf(IdentityException.class)
          .hasMessageStartingWith("oidc: failed to verify token");
    }
    assertThat(upstream.absoluteRequests("/attacker/jwks.json")).isZero();
    assertThat(upstream.absoluteRequests("/attacker/cert.pem")).isZero();
  }

  // ---- jwksFile

  @Test
  void jwksFilePicksUpAChangedFileOnceTheIntervalHasPassed() throws Exception {
    Path file = write(upstream.jwks());
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwksFile", file.toString()))) {
      String old = token();
      assertThat(connector.tokenIdentity(ID_TOKEN, old).identity().userId()).isEqualTo("subvalue");

      RSAKey oldKey = upstream.rsaKey();
      RSAKey newKey = upstream.rotateRsaKey();
      write(file, upstream.jwks());
      String fresh = token();
      // The clock has not moved since the file was read: no read yet, old keys in force.
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, fresh))
          .hasMessageContaining("no matching key");
      assertThat(connector.tokenIdentity(ID_TOKEN, old).identity().userId()).isEqualTo("subvalue");

      CLOCK.advance(JwksFileKeys.CHECK_INTERVAL);
      assertThat(connector.tokenIdentity(ID_TOKEN, fresh).identity().userId())
          .isEqualTo("subvalue");
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, old))
          .hasMessageContaining("no matching key");

      ILoggingEvent changed = only(Level.INFO);
      assertThat(changed.getFormattedMessage()).contains("jwksFile changed");
      assertThat(keyValues(changed))
          .containsEntry("added", List.of(newKey.getKeyID()).toString())
          .containsEntry("removed", List.of(oldKey.getKeyID()).toString())
          .containsEntry("connector_id", "upstream");
    }
  }

  @Test
  void unknownKidBringsTheReadForwardAtMostOncePerSecond() throws Exception {
    Path file = write(upstream.jwks());
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwksFile", file.toString()))) {
      CLOCK.advance(JwksFileKeys.EARLY_RESPACING);
      upstream.rotateRsaKey();
      write(file, upstream.jwks());
      // One second after the last read: a token naming the new kid makes Ferry look again.
      assertThat(connector.tokenIdentity(ID_TOKEN, token()).identity().userId())
          .isEqualTo("subvalue");

      upstream.rotateRsaKey();
      write(file, upstream.jwks());
      String next = token();
      // Just read: a flood of unknown kids now reads nothing until the respacing has passed.
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, next))
            .hasMessageContaining("no matching key");
      }
      CLOCK.advance(JwksFileKeys.EARLY_RESPACING);
      assertThat(connector.tokenIdentity(ID_TOKEN, next).identity().userId()).isEqualTo("subvalue");
    }
  }

  @Test
  void deletedOrBrokenFileKeepsTheLastGoodKeysAndLogsEachProblemOnce() throws Exception {
    Path file = write(upstream.jwks());
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwksFile", file.toString()))) {
      String good = token();
      Files.delete(file);
      for (int i = 0; i < 3; i++) {
        CLOCK.advance(JwksFileKeys.CHECK_INTERVAL);
        assertThat(connector.tokenIdentity(ID_TOKEN, good).identity().userId())
            .isEqualTo("subvalue");
      }
      assertThat(only(Level.ERROR).getFormattedMessage()).contains("keeping the last good keys");
      assertThat(keyValues(only(Level.ERROR))).containsEntry("err", "cannot read it: no such file");

      Files.writeString(file, "{\"keys\": [", StandardCharsets.UTF_8);
      for (int i = 0; i < 3; i++) {
        CLOCK.advance(JwksFileKeys.CHECK_INTERVAL);
        assertThat(connector.tokenIdentity(ID_TOKEN, good).identity().userId())
            .isEqualTo("subvalue");
      }
      List<ILoggingEvent> errors = events(Level.ERROR);
      assertThat(errors).hasSize(2);
      assertThat(keyValues(errors.get(1)).get("err")).startsWith("not a JWKS: not valid JSON");

      // A valid file again, another key set: swapped, logged once at INFO.
      write(file, new JWKSet(upstream.ecKey().toPublicJWK()));
      CLOCK.advance(JwksFileKeys.CHECK_INTERVAL);
      String ec = upstream.token().issuer(UNREACHABLE).signedWith(Signing.EC).build();
      assertThat(connector.tokenIdentity(ID_TOKEN, ec).identity().userId()).isEqualTo("subvalue");
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, good))
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("no matching key");
      assertThat(events(Level.ERROR)).hasSize(2);
      assertThat(only(Level.INFO).getFormattedMessage()).contains("jwksFile changed");
    }
  }

  @Test
  void fileThatTurnsIntoAnotherInvalidSetIsRefusedToo() throws Exception {
    Path file = write(upstream.jwks());
    try (OidcConnector connector = open(UNREACHABLE, Map.of("jwksFile", file.toString()))) {
      // A symmetric key is as unacceptable at run time as at load.
      Files.writeString(
          file,
          "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQ\"}]}",
          StandardCharsets.UTF_8);
      CLOCK.advance(JwksFileKeys.CHECK_INTERVAL);
      assertThat(connector.tokenIdentity(ID_TOKEN, token()).identity().userId())
          .isEqualTo("subvalue");
      assertThat(keyValues(only(Level.ERROR)).get("err"))
          .startsWith("keys[0] (kid \"h\"): symmetric key");
    }
  }

  // ---- tokenIssuer of connectors that discover

  @Test
  void tokenIssuerWithoutGivenKeysIsTheConfiguredOneWithoutNetwork() throws Exception {
    try (OidcConnector connector = TestConnectors.open(CLOCK, TestConnectors.FAST, plain())) {
      assertThat(connector.tokenIssuer()).contains(UNREACHABLE);
      assertThat(connector.upstreamProblem()).isPresent();
    }
  }

  @Test
  void tokenIssuerWithDiscoveryOverridesIsTheDiscoveredOneOnceDiscovered() throws Exception {
    try (UpstreamIssuer other = UpstreamIssuer.builder().clock(CLOCK).start()) {
      String discovered = "https://discovered.example";
      other.discoveryIssuer(discovered);
      other.fault(UpstreamIssuer.DISCOVERY, UpstreamIssuer.Fault.SERVER_ERROR);
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("issuer", other.issuer());
      config.put("issuerAlias", "https://alias.example");
      config.put("scopes", List.of("openid"));
      config.put("providerDiscoveryOverrides", Map.of("jwksURL", other.issuer() + "/keys"));
      try (OidcConnector connector = TestConnectors.open(CLOCK, TestConnectors.FAST, config)) {
        assertThat(connector.tokenIssuer()).isEmpty();
        other.fault(UpstreamIssuer.DISCOVERY, UpstreamIssuer.Fault.NONE);
        CLOCK.advance(Duration.ofSeconds(10));
        String token = other.token().issuer(discovered).build();
        assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
            .isEqualTo("subvalue");
        assertThat(connector.tokenIssuer()).contains(discovered);
      }
    }
  }

  // ---- helpers

  private static Map<String, Object> plain() {
    return Map.of("issuer", UNREACHABLE, "scopes", List.of("openid", "groups"));
  }

  private static String token() {
    return upstream.token().issuer(UNREACHABLE).build();
  }

  private static Map<String, Object> jwks(JWKSet set) {
    return set.toPublicJWKSet().toJSONObject(true);
  }

  private static Map<String, Object> jwks(JWK key) {
    return jwks(new JWKSet(key));
  }

  private Path write(JWKSet set) throws Exception {
    return write(dir.resolve("cluster-jwks.json"), set);
  }

  private static Path write(Path file, JWKSet set) throws Exception {
    // Through a temporary file and a move, as a ConfigMap update or kubectl redirection leaves it.
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, set.toPublicJWKSet().toString(true), StandardCharsets.UTF_8);
    Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  private static OidcConnector open(String issuer, Map<String, ?> config) throws Exception {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("issuer", issuer);
    // No "email" scope: the test tokens carry none (Dex requires it when the scope is asked).
    all.put("scopes", List.of("openid", "groups"));
    all.putAll(config);
    return TestConnectors.open(CLOCK, TestConnectors.FAST, all);
  }

  private List<ILoggingEvent> events(Level level) {
    return logs.list.stream().filter(event -> event.getLevel() == level).toList();
  }

  private ILoggingEvent only(Level level) {
    List<ILoggingEvent> matching = events(level);
    assertThat(matching).as(level + " events").hasSize(1);
    return matching.get(0);
  }

  private static Map<String, String> keyValues(ILoggingEvent event) {
    Map<String, String> values = new LinkedHashMap<>();
    if (event.getKeyValuePairs() != null) {
      event.getKeyValuePairs().forEach(pair -> values.put(pair.key, String.valueOf(pair.value)));
    }
    return values;
  }
}
