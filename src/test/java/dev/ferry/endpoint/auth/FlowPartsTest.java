package dev.ferry.endpoint.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.oauth2.GoQuote;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Pkce;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The small pieces of the flow that must match Go and Dex byte for byte. */
class FlowPartsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/auth?prompt=select_account | /auth?prompt=select_account",
        "/dex/auth?client_id=x | /dex/auth?client_id=x",
        "https://evil.example | ''",
        "http://evil.example/auth | ''",
        "//evil.example | ''",
        "/\\evil.example | ''",
        "javascript:alert(1) | ''",
        "relative/path | ''",
        "/auth#frag | /auth#frag",
        "/bad%zzescape | ''",
      })
  void backLinksAreSanitizedAsDexDoes(String in, String out) {
    // Dex: server/authflow/password_test.go TestSanitizeBackLink, plus an unparsable path.
    assertThat(PasswordLoginEndpoint.sanitizeBackLink(in)).isEqualTo(out);
    assertThat(PasswordLoginEndpoint.sanitizeBackLink("")).isEmpty();
  }

  @Test
  void theStepMacIsHmacSha256OverDexsProtobufPayload() throws Exception {
    // HMACPayload{values: ["id", "step:continue"]}: field 1, length-delimited, twice.
    assertThat(HexFormat.of().formatHex(FlowStep.payload("id", "step:continue")))
        .isEqualTo("0a0269640a0d737465703a636f6e74696e7565");
    byte[] longValue = new byte[200];
    assertThat(FlowStep.payload(new String(longValue, StandardCharsets.US_ASCII)))
        .startsWith((byte) 0x0a, (byte) 0xc8, (byte) 0x01);

    AuthRequest a = request("req-1", "key-1");
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("key-1".getBytes(StandardCharsets.US_ASCII), "x"));
    String expected =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(FlowStep.payload("req-1", "step:approval")));
    assertThat(FlowStep.APPROVAL.sign(a)).isEqualTo(expected);
    assertThat(FlowStep.APPROVAL.verify(a, expected)).isTrue();
    // Another step, another request's key, padding, garbage: all refused.
    assertThat(FlowStep.APPROVED.verify(a, expected)).isFalse();
    assertThat(FlowStep.APPROVAL.verify(request("req-1", "key-2"), expected)).isFalse();
    assertThat(FlowStep.APPROVAL.verify(request("req-2", "key-1"), expected)).isFalse();
    assertThat(FlowStep.APPROVAL.verify(a, expected + "=")).isFalse();
    assertThat(FlowStep.APPROVAL.verify(a, "!!")).isFalse();
    assertThat(FlowStep.CONTINUE.url("/dex/auth", a))
        .isEqualTo("/dex/auth?hmac=" + FlowStep.CONTINUE.sign(a) + "&req=req-1");
  }

  @Test
  void goUrlEscapingMatchesNetUrl() {
    assertThat(GoUrl.queryEscape("a b~*'!/?&=%é")).isEqualTo("a+b~%2A%27%21%2F%3F%26%3D%25%C3%A9");
    assertThat(GoUrl.pathEscape("my conn/x;y:@$")).isEqualTo("my%20conn%2Fx%3By:@$");
    assertThat(GoUrl.escapePath("/dex/auth/my%20conn")).isEqualTo("/dex/auth/my%2520conn");
    assertThat(GoUrl.escapeFragment("a=b+c&d=%2F")).isEqualTo("a=b+c&d=%252F");
    assertThat(GoUrl.encode(Map.of("b", List.of("2", "1"), "a", List.of("x y"))))
        .isEqualTo("a=x+y&b=2&b=1");
    assertThat(GoUrl.pathUnescape("a%2Fb+c")).contains("a/b+c");
    assertThat(GoUrl.pathUnescape("a%zz")).isEmpty();
  }

  @Test
  void clientRedirectsAreBuiltAsGoBuildsThem() {
    ClientRedirect uri = ClientRedirect.parse("https://c.example/cb?x=1&bad=%zz&a=0").orElseThrow();
    // Go's URL.Query drops the malformed pair; Set replaces, Add appends; keys sorted.
    assertThat(uri.withQuery(Map.of("code", "c1", "x", "2"), true))
        .isEqualTo("https://c.example/cb?a=0&code=c1&x=2");
    assertThat(uri.withQuery(Map.of("x", "2"), false))
        .isEqualTo("https://c.example/cb?a=0&x=1&x=2");
    assertThat(uri.withFragment(Map.of("state", List.of("s/1"), "code", List.of("c"))))
        .isEqualTo("https://c.example/cb?x=1&bad=%zz&a=0#code=c&state=s%252F1");
    assertThat(ClientRedirect.parse("https://c.example/a%zz")).isEmpty();
    assertThat(ClientRedirect.parse("https://c.example/a\nb")).isEmpty();
    assertThat(ClientRedirect.parse(":nope")).isEmpty();
    // Non-ASCII leaves as UTF-8 percent-escapes, as Go's URL.String writes it.
    assertThat(
            ClientRedirect.parse("http://localhost:8080/\u00e9\u2028x#f\u00e9")
                .orElseThrow()
                .withQuery(Map.of("code", "c"), true))
        .isEqualTo("http://localhost:8080/%C3%A9%E2%80%A8x?code=c#f%C3%A9");
    assertThat(ClientRedirect.resolve("/dex/auth", "cb?code=1")).isEqualTo("/dex/cb?code=1");
    assertThat(ClientRedirect.resolve("/dex/auth", "../x/")).isEqualTo("/x/");
    assertThat(ClientRedirect.resolve("/dex/auth", "urn:ietf:wg:oauth:2.0:oob?code=1"))
        .isEqualTo("urn:ietf:wg:oauth:2.0:oob?code=1");
  }

  @Test
  void goQuotesLikeStrconv() {
    assertThat(GoQuote.quote("a\"b\\c\n\u0001é")).isEqualTo("\"a\\\"b\\\\c\\n\\x01é\"");
    assertThat(GoQuote.list(List.of("a", "b"))).isEqualTo("[\"a\" \"b\"]");
    assertThat(GoQuote.list(List.of())).isEqualTo("[]");
  }

  @Test
  void promptsParseAsDexParsesThem() {
    // Dex: server/oauth2/prompt_test.go TestParsePrompt, TestPromptString.
    assertThat(Prompt.parse("").toString()).isEmpty();
    assertThat(Prompt.parse("consent login").toString()).isEqualTo("login consent");
    assertThat(Prompt.parse("  login  login ").toString()).isEqualTo("login");
    assertThat(Prompt.parse("consent select_account").toString())
        .isEqualTo("consent select_account");
    assertThat(Prompt.parse("none").none()).isTrue();
    for (String bad : List.of("none login", "none consent", "none select_account", "bogus")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Prompt.parse(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static AuthRequest request(String id, String key) {
    return new AuthRequest(
        id,
        "c",
        List.of("code"),
        List.of("openid"),
        "https://c.example/cb",
        "",
        "",
        false,
        Instant.EPOCH,
        false,
        Claims.EMPTY,
        "mock",
        new byte[0],
        Pkce.NONE,
        key.getBytes(StandardCharsets.US_ASCII),
        "",
        -1,
        null,
        false,
        new byte[0]);
  }
}
