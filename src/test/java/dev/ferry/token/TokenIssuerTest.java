package dev.ferry.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.json.GoJson;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.signer.StaticSigner;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenIssuerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final Claims KILGORE =
      new Claims(
          "0-385-28089-0", "Kilgore Trout", "", "kilgore@kilgore.trout", true, List.of("authors"));
  private static RSAKey key;

  private final Map<String, Client> clients =
      Map.of(
          "peer", Client.of("peer", "s", "Peer").withTrustedPeers(List.of("client_1")),
          "aloof", Client.of("aloof", "s", "Aloof"));

  @BeforeAll
  static void generateKey() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").algorithm(JWSAlgorithm.RS256).generate();
  }

  private TokenIssuer issuer() {
    return new TokenIssuer(
        "https://dex.example.com",
        new StaticSigner(key),
        id -> Optional.ofNullable(clients.get(id)),
        Duration.ofHours(24),
        Clock.fixed(NOW, ZoneOffset.UTC),
        new SecureRandom());
  }

  private static TokenClaims request(String... scopes) {
    return new TokenClaims("client_1", List.of(scopes), KILGORE, "mock", "", null);
  }

  private static JsonNode payload(String jwt) throws Exception {
    SignedJWT parsed = SignedJWT.parse(jwt);
    assertThat(parsed.verify(new RSASSAVerifier(key.toRSAPublicKey()))).isTrue();
    return GoJson.mapper().readTree(parsed.getPayload().toBytes());
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void accessTokenHasDexClaimOrderAndAtHash() throws Exception {
    IssuedToken token =
        issuer()
            .signAccessToken(
                request("openid", "email", "groups", "profile", "federated:id", "offline_access"));
    JsonNode claims = payload(token.token());
    assertThat(names(claims))
        .containsExactly(
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "jti",
            "at_hash",
            "email",
            "email_verified",
            "groups",
            "name",
            "federated_claims");
    assertThat(claims.get("iss").asText()).isEqualTo("https://dex.example.com");
    assertThat(claims.get("sub").asText()).isEqualTo("Cg0wLTM4NS0yODA4OS0wEgRtb2Nr");
    assertThat(claims.get("aud").isTextual()).isTrue();
    assertThat(claims.get("aud").asText()).isEqualTo("client_1");
    assertThat(claims.get("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 86400);
    assertThat(claims.get("iat").asLong()).isEqualTo(NOW.getEpochSecond());
    assertThat(claims.get("jti").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-.*");
    assertThat(claims.get("at_hash").asText()).matches("[A-Za-z0-9_-]{22}");
    assertThat(claims.get("groups").toString()).isEqualTo("[\"authors\"]");
    assertThat(claims.get("federated_claims").toString())
        .isEqualTo("{\"connector_id\":\"mock\",\"user_id\":\"0-385-28089-0\"}");
    assertThat(token.expiry()).isEqualTo(NOW.plus(Duration.ofHours(24)));
  }

  @Test
  void headerIsAlgAndKidOnly() throws Exception {
    String jwt = issuer().signAccessToken(request("openid")).token();
    String header =
        new String(
            java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8);
    assertThat(header).isEqualTo("{\"alg\":\"RS256\",\"kid\":\"k1\"}");
  }

  @Test
  void idTokenHasNoAtHashUnlessGivenAnAccessToken() throws Exception {
    JsonNode bare = payload(issuer().signIdToken(request("openid"), null, null).token());
    assertThat(names(bare)).containsExactly("iss", "sub", "aud", "exp", "iat", "jti");
    JsonNode bound = payload(issuer().signIdToken(request("openid"), "tok", "code").token());
    assertThat(bound.get("at_hash").asText()).isEqualTo(TokenIssuer.halfHash("RS256", "tok"));
    assertThat(bound.get("c_hash").asText()).isEqualTo(TokenIssuer.halfHash("RS256", "code"));
  }

  @Test
  void emptyScopeGivesTheMinimalClaimSet() throws Exception {
    JsonNode claims = payload(issuer().signAccessToken(request()).token());
    assertThat(names(claims)).containsExactly("iss", "sub", "aud", "exp", "iat", "jti", "at_hash");
  }

  @Test
  void emailVerifiedAlwaysPresentWithEmailScopeAndEmptyValuesOmitted() throws Exception {
    Claims bare = new Claims("u", "", "", "", false, List.of());
    JsonNode claims =
        payload(
            issuer()
                .signAccessToken(
                    new TokenClaims(
                        "client_1", List.of("email", "profile", "groups"), bare, "c", "", null))
                .token());
    assertThat(names(claims)).contains("email_verified").doesNotContain("email", "name", "groups");
    assertThat(claims.get("email_verified").asBoolean()).isFalse();
  }

  @Test
  void trustedPeerJoinsTheAudienceWithAzp() throws Exception {
    JsonNode claims =
        payload(
            issuer().signAccessToken(request("openid", "audience:server:client_id:peer")).token());
    assertThat(claims.get("aud").toString()).isEqualTo("[\"peer\",\"client_1\"]");
    assertThat(claims.get("azp").asText()).isEqualTo("client_1");
    assertThat(names(claims).indexOf("azp")).isEqualTo(names(claims).indexOf("jti") + 1);
  }

  @Test
  void selfAudienceScopeStaysASingleString() throws Exception {
    JsonNode claims =
        payload(
            issuer()
                .signAccessToken(request("openid", "audience:server:client_id:client_1"))
                .token());
    assertThat(claims.get("aud").asText()).isEqualTo("client_1");
    assertThat(claims.has("azp")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"aloof", "unknown"})
  void untrustedOrUnknownPeerIsAServerError(String peer) {
    assertThatThrownBy(
            () -> issuer().signAccessToken(request("openid", "audience:server:client_id:" + peer)))
        .isInstanceOfSatisfying(
            OAuthException.class,
            e -> {
              assertThat(e.error()).isEqualTo(OAuthError.SERVER_ERROR);
              assertThat(e.status()).isEqualTo(500);
              assertThat(e.description()).isEmpty();
            });
  }

  private static TokenClaims forTargets(List<String> audience, String... scopes) {
    return new TokenClaims(
        "client_1",
        List.of(scopes),
        KILGORE,
        "mock",
        "",
        null,
        Map.of(),
        Optional.empty(),
        audience);
  }

  @Test
  void oneTargetIsAStringAudienceWithAzpInDexsOrder() throws Exception {
    IssuedToken token = issuer().signAccessToken(forTargets(List.of("https://api.example.com")));
    JsonNode payload = payload(token.token());

    assertThat(payload.get("aud").isTextual()).isTrue();
    assertThat(payload.get("aud").asText()).isEqualTo("https://api.example.com");
    assertThat(payload.get("azp").asText()).isEqualTo("client_1");
    assertThat(names(payload))
        .containsExactly("iss", "sub", "aud", "exp", "iat", "jti", "azp", "at_hash");
    assertThat(token.audience()).containsExactly("https://api.example.com");
  }

  @Test
  void targetsComeBeforeCrossClientPeersAndTheClientIsNotAdded() throws Exception {
    IssuedToken token =
        issuer()
            .signAccessToken(
                forTargets(List.of("billing", "peer"), "openid", "audience:server:client_id:peer"));

    assertThat(payload(token.token()).get("aud").toString()).isEqualTo("[\"billing\",\"peer\"]");
    assertThat(token.audience()).containsExactly("billing", "peer");
  }

  @Test
  void targetsDoNotWaiveTheCrossClientCheckOfScopes() {
    assertThatThrownBy(() ->
            issuer()
                .signAccessToken(forTargets(List.of("billing"), "audience:server:client_id:aloof")))
        .isInstanceOfSatisfying(
            OAuthException.class, e -> assertThat(e.error()).isEqualTo(OAuthError.SERVER_ERROR));
  }

  @ParameterizedTest
  @CsvSource({
    "peer,client_1,true",
    "client_1,client_1,true",
    "aloof,client_1,false",
    "none,client_1,false",
    "peer,client_2,false"
  })
  void acceptsPeerIsDexsCrossClientRule(String peer, String client, boolean accepted) {
    assertThat(issuer().acceptsPeer(peer, client)).isEqualTo(accepted);
  }

  @Test
  void untrustedScopesListsEveryCrossClientScopeWhosePeerRefusesInRequestOrder() {
    List<String> scopes =
        List.of(
            "openid",
            "audience:server:client_id:aloof",
            "audience:server:client_id:peer",
            "audience:server:client_id:client_1",
            "audience:server:client_id:unknown",
            "groups");
    assertThat(issuer().untrustedScopes("client_1", scopes))
        .containsExactly("audience:server:client_id:aloof", "audience:server:client_id:unknown");
    assertThat(issuer().untrustedScopes("client_2", scopes))
        .containsExactly(
            "audience:server:client_id:aloof",
            "audience:server:client_id:peer",
            "audience:server:client_id:client_1",
            "audience:server:client_id:unknown");
    assertThat(issuer().untrustedScopes("client_1", List.of("openid", "profile"))).isEmpty();
  }

  @Test
  void invalidUnicodeUserIdIsAServerError() {
    Claims bad = new Claims("bad\uD800", "", "", "", false, List.of());
    assertThatThrownBy(() ->
            issuer().signAccessToken(new TokenClaims("client_1", List.of(), bad, "c", "", null)))
        .isInstanceOf(OAuthException.class);
  }

  @Test
  void goEscapingInPayload() throws Exception {
    Claims html = new Claims("u", "<b>&</b>", "", "", false, List.of());
    String jwt =
        issuer()
            .signAccessToken(new TokenClaims("client_1", List.of("profile"), html, "c", "", null))
            .token();
    String raw = new String(SignedJWT.parse(jwt).getPayload().toBytes(), StandardCharsets.UTF_8);
    assertThat(raw).contains("\"name\":\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\"");
  }

  @Test
  void atHashUsesTheHashOfTheAlgorithm() {
    // OIDC Core §3.1.3.6 example: SHA-256 left half, base64url.
    assertThat(TokenIssuer.halfHash("RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNJKxYdCVY8bX6r5hI3Y"))
        .hasSize(22);
    assertThat(TokenIssuer.halfHash("ES384", "x")).hasSize(32);
    assertThat(TokenIssuer.halfHash("RS512", "x")).hasSize(43);
  }

  @Test
  void verifierAcceptsOwnTokensAndRejectsForeignOrExpiredOnes() throws Exception {
    String jwt = issuer().signAccessToken(request("openid")).token();
    StaticSigner signer = new StaticSigner(key);
    TokenVerifier verifier =
        new TokenVerifier("https://dex.example.com", signer, Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(verifier.verify(jwt)).isPresent();
    assertThat(verifier.verify(jwt).orElseThrow().payloadJson()).startsWith("{\"iss\":");
    TokenVerifier otherIssuer =
        new TokenVerifier("https://other.example.com", signer, Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(otherIssuer.verify(jwt)).isEmpty();
    TokenVerifier later =
        new TokenVerifier(
            "https://dex.example.com",
            signer,
            Clock.fixed(NOW.plus(Duration.ofHours(24)), ZoneOffset.UTC));
    assertThat(later.verify(jwt)).isEmpty();
    assertThat(verifier.verify(jwt.substring(0, jwt.length() - 4) + "AAAA")).isEmpty();
    assertThat(verifier.verify("not-a-jwt")).isEmpty();
    RSAKey otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
    TokenVerifier wrongKey =
        new TokenVerifier(
            "https://dex.example.com",
            new StaticSigner(otherKey),
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(wrongKey.verify(jwt)).isEmpty();
  }
}
