package dev.ferry.endpoint.userinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.endpoint.WebFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /userinfo} statuses and headers (Dex: server/userinfo/userinfo.go Handler.handle). */
class UserinfoEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String exchange(WebFixture ferry) throws Exception {
    HttpResponse<String> response = ferry.postForm("/token", WebFixture.exchangeForm());
    return JSON.readTree(response.body()).get("access_token").asText();
  }

  private static HttpResponse<String> userinfo(WebFixture ferry, String authorization)
      throws Exception {
    HttpRequest.Builder r = ferry.request("/userinfo");
    if (!authorization.isEmpty()) {
      r.header("Authorization", authorization);
    }
    return ferry.send(r.build());
  }

  static Stream<Arguments> unauthenticated() {
    return Stream.of(
        Arguments.of("no header", ""),
        Arguments.of("basic", "Basic Y2xpZW50XzE6c2VjcmV0XzE="),
        Arguments.of("too short", "Bear"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unauthenticated")
  void withoutBearerIs401WithChallenge(String name, String header) throws Exception {
    try (WebFixture ferry = WebFixture.start()) {
      HttpResponse<String> response = userinfo(ferry, header);
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(response.body())
          .isEqualTo(
              "{\"error\":\"access_denied\",\"error_description\":\"Invalid bearer token.\"}");
    }
  }

  @Test
  void validTokenReturnsItsClaimsVerbatimWithAnyPrefixCase() throws Exception {
    try (WebFixture ferry = WebFixture.start()) {
      String token = exchange(ferry);
      String payload =
          new String(SignedJWT.parse(token).getParsedParts()[1].decode(), StandardCharsets.UTF_8);
      for (String prefix : new String[] {"Bearer ", "bearer ", "BEARER "}) {
        HttpResponse<String> response = userinfo(ferry, prefix + token);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(payload);
      }
    }
  }

  @Test
  void invalidExpiredOrForeignTokensAre403WithoutChallenge() throws Exception {
    try (WebFixture ferry = WebFixture.start()) {
      String token = exchange(ferry);
      RSAKey other = new RSAKeyGenerator(2048).keyID(WebFixture.key().getKeyID()).generate();
      SignedJWT forged =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(other.getKeyID()).build(),
              SignedJWT.parse(token).getJWTClaimsSet());
      forged.sign(new RSASSASigner(other));
      SignedJWT otherIssuer =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(WebFixture.key().getKeyID()).build(),
              new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet())
                  .issuer("https://evil.example")
                  .build());
      otherIssuer.sign(new RSASSASigner(WebFixture.key()));
      for (String bad :
          new String[] {"garbage", token + "x", forged.serialize(), otherIssuer.serialize()}) {
        HttpResponse<String> response = userinfo(ferry, "Bearer " + bad);
        assertThat(response.statusCode()).as(bad).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(response.body())
            .isEqualTo(
                "{\"error\":\"access_denied\",\"error_description\":\"Invalid bearer token.\"}");
      }
      ferry.clock.advance(Duration.ofHours(25));
      assertThat(userinfo(ferry, "Bearer " + token).statusCode()).isEqualTo(403);
    }
  }
}
