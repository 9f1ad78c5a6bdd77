package dev.ferry.connector.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.ferry.connector.ConnectorException;
import dev.ferry.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every config error of {@code jwks} / {@code jwksFile}: reported by {@code validate} (what {@code
 * config check} prints) and refused by {@code open}, each naming the key and the problem, and never
 * quoting private key material.
 */
class OidcGivenKeysConfigTest {

  private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
  private static final OidcConnectorFactory FACTORY =
      new OidcConnectorFactory(MutableClock.atFixedStart(), TestConnectors.FAST);

  @TempDir static Path dir;
  private static RSAKey rsa;
  private static RSAKey rsa2;
  private static ECKey ec;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("a").keyUse(KeyUse.SIGNATURE).generate();
    rsa2 = new RSAKeyGenerator(2048).keyID("b").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("e").generate();
  }

  static Stream<Arguments> problems() throws Exception {
    RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
    Map<String, Object> offCurve = new LinkedHashMap<>(ec.toPublicJWK().toJSONObject());
    offCurve.put("y", offCurve.get("x"));
    OctetKeyPair x25519 = okp(Curve.X25519, "X25519", "x");
    Path missing = dir.resolve("missing.json");
    Path notJson = dir.resolve("not-json.json");
    Files.writeString(notJson, "keys: []", StandardCharsets.UTF_8);
    Path withHmac = dir.resolve("hmac.json");
    Files.writeString(withHmac, TestConnectors.json(set(oct())), StandardCharsets.UTF_8);
    Path good = dir.resolve("good.json");
    Files.writeString(good, new JWKSet(rsa.toPublicJWK()).toString(), StandardCharsets.UTF_8);
    return Stream.of(
        problem(
            "both jwks and jwksFile",
            Map.of("jwks", set(rsa.toPublicJWK()), "jwksFile", good.toString()),
            "oidc: config keys \"jwks\" and \"jwksFile\" are exclusive: set one of them"),
        problem(
            "jwks string that is not JSON",
            Map.of("jwks", "{\"keys\": ["),
            "oidc: config key \"jwks\": not a JWKS: not valid JSON"),
        problem(
            "jwks of the wrong type",
            Map.of("jwks", 42),
            "oidc: config key \"jwks\": expected a JWKS object"),
        problem(
            "jwks without keys",
            Map.of("jwks", Map.of("key", List.of())),
            "oidc: config key \"jwks\": not a JWKS: \"keys\" must be an array of JWKs"),
        problem(
            "empty key set",
            Map.of("jwks", Map.of("keys", List.of())),
            "oidc: config key \"jwks\": the key set is empty"),
        problem(
            "a key without kid among several",
            Map.of(
                "jwks",
                set(rsa.toPublicJWK(), new RSAKey.Builder(rsa2.toPublicJWK()).keyID(null).build())),
            "oidc: config key \"jwks\": keys[1]: \"kid\" is required when the set holds more"
                + " than one key"),
        problem(
            "duplicate kid",
            Map.of(
                "jwks",
                set(rsa.toPublicJWK(), new RSAKey.Builder(rsa2.toPublicJWK()).keyID("a").build())),
            "oidc: config key \"jwks\": keys[1] (kid \"a\"): duplicate kid (also keys[0])"),
        problem(
            "symmetric key",
            Map.of("jwks", set(oct())),
            "oidc: config key \"jwks\": keys[0] (kid \"h\"): symmetric key (kty \"oct\")"
                + " refused"),
        problem(
            "RSA key under 2048 bits",
            Map.of("jwks", set(weak.toPublicJWK())),
            "oidc: config key \"jwks\": keys[0] (kid \"weak\"): RSA key of 1024 bits refused:"
                + " at least 2048 bits are required"),
        problem(
            "RSA modulus that is not base64url",
            Map.of(
                "jwks",
                Map.of("keys", List.of(Map.of("kty", "RSA", "kid", "b", "n", "!!!", "e", "AQAB")))),
            "oidc: config key \"jwks\": keys[0] (kid \"b\"): invalid key material: \"n\" is not a"
                + " base64url value"),
        problem(
            "RSA private key",
            Map.of("jwks", set(rsa)),
            "oidc: config key \"jwks\": keys[0] (kid \"a\"): holds private key material"
                + " [d, p, q, dp, dq, qi]: only public keys belong here"),
        problem(
            "EC private key",
            Map.of("jwks", set(ec)),
            "oidc: config key \"jwks\": keys[0] (kid \"e\"): holds private key material [d]"),
        problem(
            "symmetric alg on an RSA key",
            Map.of("jwks", set(withAlg(rsa.toPublicJWK(), "HS256"))),
            "oidc: config key \"jwks\": keys[0] (kid \"a\"): alg \"HS256\" is not allowed: use an"
                + " asymmetric algorithm, one of ES256, ES384, ES512, EdDSA, PS256"),
        problem(
            "alg none on an RSA key",
            Map.of("jwks", set(withAlg(rsa.toPublicJWK(), "none"))),
            "oidc: config key \"jwks\": keys[0] (kid \"a\"): alg \"none\" is not allowed"),
        problem(
            "EC alg on an RSA key",
            Map.of("jwks", set(withAlg(rsa.toPublicJWK(), "ES256"))),
            "oidc: config key \"jwks\": keys[0] (kid \"a\"): alg \"ES256\" does not fit this key: it allows PS256, PS384,"
                + " PS512, RS256, RS384, RS512"),
        problem(
            "ES384 on a P-256 key",
            Map.of("jwks", set(withAlg(ec.toPublicJWK(), "ES384"))),
            "oidc: config key \"jwks\": keys[0] (kid \"e\"): alg \"ES384\" does not fit this key: it allows ES256"),
        problem(
            "EC point not on the curve",
            Map.of("jwks", Map.of("keys", List.of(offCurve))),
            "oidc: config key \"jwks\": keys[0] (kid \"e\"): not a valid JWK"),
        problem(
            "unknown key type",
            Map.of("jwks", Map.of("keys", List.of(Map.of("kty", "XYZ", "kid", "z")))),
            "oidc: config key \"jwks\": keys[0] (kid \"z\"): not a valid JWK"),
        problem(
            "X25519 is no signing key",
            Map.of("jwks", set(x25519.toPublicJWK())),
            "oidc: config key \"jwks\": keys[0] (kid \"x\"): OKP curve \"X25519\" is not a supported signing curve"),
        problem(
            "encryption key",
            Map.of(
                "jwks",
                set(new RSAKey.Builder(rsa.toPublicJWK()).keyUse(KeyUse.ENCRYPTION).build())),
            "oidc: config key \"jwks\": keys[0] (kid \"a\"): \"use\": \"enc\" is not a signing key"),
        problem(
            "getUserInfo with jwks",
            Map.of("jwks", set(rsa.toPublicJWK()), "getUserInfo", true),
            "oidc: config key \"getUserInfo\" cannot be true with \"jwks\""),
        problem(
            "providerDiscoveryOverrides with jwksFile",
            Map.of(
                "jwksFile",
                good.toString(),
                "providerDiscoveryOverrides",
                Map.of("jwksURL", "https://elsewhere.example/keys")),
            "oidc: config key \"providerDiscoveryOverrides\" cannot be set with \"jwksFile\""),
        problem(
            "jwksFile missing",
            Map.of("jwksFile", missing.toString()),
            "oidc: config key \"jwksFile\": " + missing + ": cannot read it: no such file"),
        problem(
            "jwksFile is a directory",
            Map.of("jwksFile", dir.toString()),
            "oidc: config key \"jwksFile\": " + dir + ": cannot read it: it is a directory"),
        problem(
            "jwksFile that is not JSON",
            Map.of("jwksFile", notJson.toString()),
            "oidc: config key \"jwksFile\": " + notJson + ": not a JWKS: not valid JSON"),
        problem(
            "jwksFile holding a symmetric key",
            Map.of("jwksFile", withHmac.toString()),
            "oidc: config key \"jwksFile\": " + withHmac + ": keys[0] (kid \"h\"): symmetric key"));
  }

  private static Arguments problem(String name, Map<String, ?> config, String expected) {
    return Arguments.of(name, config, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void isAConfigErrorNamingTheKey(String name, Map<String, ?> config, String expected) {
    String json = TestConnectors.json(withIssuer(config));
    List<String> problems = FACTORY.validate(json);
    assertThat(problems).anySatisfy(problem -> assertThat(problem).startsWith(expected));
    assertThatThrownBy(() -> FACTORY.open("k8s", json))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining(expected);
    // Private key material never reaches a message that is printed or logged.
    for (String secret : List.of(String.valueOf(rsa.getPrivateExponent()), ecD())) {
      assertThat(problems).noneSatisfy(problem -> assertThat(problem).contains(secret));
    }
  }

  @Test
  void everyProblemOfASetIsReported() {
    Map<String, Object> config =
        Map.of("jwks", set(oct(), rsa, withAlg(ec.toPublicJWK(), "RS256")), "getUserInfo", true);
    List<String> problems = FACTORY.validate(TestConnectors.json(withIssuer(config)));
    assertThat(problems)
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).contains("getUserInfo"))
        .anySatisfy(p -> assertThat(p).contains("keys[0] (kid \"h\"): symmetric"))
        .anySatisfy(p -> assertThat(p).contains("keys[1] (kid \"a\"): holds private"))
        .anySatisfy(p -> assertThat(p).contains("keys[2] (kid \"e\"): alg \"RS256\""));
  }

  @Test
  void validSetsAreAccepted() throws Exception {
    OctetKeyPair ed = okp(Curve.Ed25519, "Ed25519", "d");
    // One key may go without kid; an alg that fits is fine.
    for (Map<String, Object> jwks :
        List.of(
            set(new RSAKey.Builder(rsa.toPublicJWK()).keyID(null).build()),
            set(withAlg(rsa.toPublicJWK(), "PS384"), ec.toPublicJWK(), ed.toPublicJWK()))) {
      String json = TestConnectors.json(withIssuer(Map.of("jwks", jwks)));
      assertThat(FACTORY.validate(json)).isEmpty();
      try (OidcConnector connector = FACTORY.open("k8s", json)) {
        assertThat(connector.tokenIssuer()).contains(ISSUER);
      }
    }
  }

  @Test
  void aDexConfigWithoutTheNewKeysIsUnchanged() {
    String json = TestConnectors.json(Map.of("issuer", ISSUER, "getUserInfo", true));
    assertThat(FACTORY.validate(json)).isEmpty();
  }

  private static Map<String, Object> withIssuer(Map<String, ?> config) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("issuer", ISSUER);
    all.putAll(config);
    return all;
  }

  private static Map<String, Object> set(JWK... keys) {
    // Not toPublicJWKSet: some cases put private keys in on purpose.
    return new JWKSet(List.of(keys)).toJSONObject(false);
  }

  private static JWK oct() {
    return new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
        .keyID("h")
        .build();
  }

  private static JWK withAlg(JWK key, String alg) {
    Map<String, Object> json = new LinkedHashMap<>(key.toJSONObject());
    json.put("alg", alg);
    try {
      return JWK.parse(json);
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A public OKP JWK from the JDK's generator (Nimbus's needs Tink, not a dependency). */
  private static OctetKeyPair okp(Curve curve, String jdkName, String kid) throws Exception {
    byte[] spki = KeyPairGenerator.getInstance(jdkName).generateKeyPair().getPublic().getEncoded();
    // The raw key is the last 32 bytes of the SubjectPublicKeyInfo (RFC 8410 §4).
    byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    return new OctetKeyPair.Builder(curve, Base64URL.encode(raw)).keyID(kid).build();
  }

  private static String ecD() {
    return String.valueOf(ec.getD());
  }
}
