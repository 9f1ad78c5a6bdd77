package dev.ferry.connector.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Reading the {@code iss} of an unverified JWT to route it, and nothing more. */
class IssuerClaimTest {
  private static final String HS256 = b64("{\"alg\":\"HS256\"}");

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String jws(String claims) {
    return HS256 + "." + b64(claims) + ".c2ln";
  }

  @Test
  void readsTheIssOfAJwsWithoutVerifyingIt() throws Exception {
    assertThat(IssuerClaim.unverified(jws("{\"iss\":\"https://a.example\"}")))
        .contains("https://a.example");
    assertThat(IssuerClaim.unverified(jws("{\"sub\":\"x\"}"))).isEmpty();
    assertThat(IssuerClaim.unverified(jws("{\"iss\":\"\"}"))).isEmpty();
  }

  @Test
  void anythingButASignedJwtWithAClaimsObjectIsAParseException() {
    String dir = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}");
    for (String token :
        new String[] {
          dir + "..aXYxMjM0NTY3ODkw.Y2lwaGVy.dGFnMTIzNDU2Nzg5MDEy", // JWE: claims unreadable
          b64("{\"alg\":\"none\"}") + "." + b64("{\"iss\":\"https://a.example\"}") + ".",
          jws("[\"iss\"]"),
          jws("{\"iss\":5}"), // RFC 7519 §4.1.1: a StringOrURI
          jws("\"iss\""),
          HS256 + ".bm90LWpzb24.c2ln",
          "not-a-jwt",
          ""
        }) {
      assertThatThrownBy(() -> IssuerClaim.unverified(token))
          .as(token)
          .isInstanceOf(ParseException.class);
    }
  }

  @Test
  void anIssMatchesItsIssuerExactlyOrAsGooglesShortForm() {
    assertThat(IssuerClaim.matches("https://a.example", "https://a.example")).isTrue();
    assertThat(IssuerClaim.matches("https://a.example", "https://a.example/")).isFalse();
    assertThat(IssuerClaim.matches("https://a.example", "a.example")).isFalse();
    assertThat(IssuerClaim.matches("https://a.example", null)).isFalse();
    assertThat(IssuerClaim.matches("https://accounts.google.com", "accounts.google.com")).isTrue();
    assertThat(IssuerClaim.matches("accounts.google.com", "https://accounts.google.com")).isFalse();
  }
}
