package dev.ferry.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What each {@code --output} prints. The token-exchange responses are shaped as Ferry's; {@link
 * ExchangerTest} and {@code TokenCommandTest} render tokens a real Ferry issued.
 */
class OutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant ISSUED = Instant.parse("2025-03-01T12:00:00Z");
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
  private static final String RESPONSE =
      "{\"access_token\":\""
          + TOKEN
          + "\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
          + "\"token_type\":\"bearer\",\"expires_in\":3600}";

  private final MutableClock clock = new MutableClock(ISSUED);

  private static IssuedToken issued() {
    return new IssuedToken(TOKEN, ISSUED.plusSeconds(3600), RESPONSE);
  }

  private static IssuedToken withoutExpiry() {
    return new IssuedToken("opaque-token", null, "{\"access_token\":\"opaque-token\"}");
  }

  @Test
  void tokenIsTheBareTokenAndANewline() throws Exception {
    assertThat(Output.TOKEN.render(issued(), clock)).isEqualTo(TOKEN + "\n");
    assertThat(Output.TOKEN.render(withoutExpiry(), clock)).isEqualTo("opaque-token\n");
  }

  @Test
  void jsonIsTheResponseWithTheSecondsLeft() throws Exception {
    assertThat(Output.JSON.render(issued(), clock)).isEqualTo(RESPONSE + "\n");

    clock.advance(Duration.ofSeconds(1234).plusMillis(500));

    String json = Output.JSON.render(issued(), clock);
    assertThat(json).endsWith("}\n").doesNotContain("\n{");
    JsonNode response = JSON.readTree(json);
    assertThat(response.path("expires_in").asLong()).isEqualTo(3600 - 1235);
    assertThat(response.path("access_token").asText()).isEqualTo(TOKEN);
    assertThat(response.path("issued_token_type").asText())
        .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    assertThat(response.path("token_type").asText()).isEqualTo("bearer");
  }

  @Test
  void jsonOfAnExpiredTokenSaysZeroSecondsNotANegativeNumber() throws Exception {
    clock.advance(Duration.ofHours(2));

    assertThat(JSON.readTree(Output.JSON.render(issued(), clock)).path("expires_in").asLong())
        .isZero();
  }

  @Test
  void jsonAddsExpiresInWhenOnlyTheJwtsExpToldTheExpiry() throws Exception {
    IssuedToken fromExp =
        new IssuedToken(TOKEN, ISSUED.plusSeconds(90), "{\"access_token\":\"" + TOKEN + "\"}");

    assertThat(Output.JSON.render(fromExp, clock))
        .isEqualTo("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":90}\n");
  }

  @Test
  void jsonWithoutAnExpiryLeavesTheResponseAlone() throws Exception {
    assertThat(Output.JSON.render(withoutExpiry(), clock))
        .isEqualTo("{\"access_token\":\"opaque-token\"}\n");
  }

  @Test
  void jsonOfAResponseThatIsNotTheTokensFallsBackToTheToken() throws Exception {
    IssuedToken odd = new IssuedToken(TOKEN, ISSUED.plusSeconds(60), "not json");

    assertThat(Output.JSON.render(odd, clock))
        .isEqualTo("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":60}\n");
  }

  @Test
  void envIsTheTokenAndItsExpiryInUtc() throws Exception {
    assertThat(Output.ENV.render(issued(), clock))
        .isEqualTo("FERRY_TOKEN=" + TOKEN + "\nFERRY_TOKEN_EXPIRES_AT=2025-03-01T13:00:00Z\n");
  }

  @Test
  void envWithoutAnExpiryLeavesThatLineOut() throws Exception {
    assertThat(Output.ENV.render(withoutExpiry(), clock)).isEqualTo("FERRY_TOKEN=opaque-token\n");
  }

  @Test
  void envRefusesATokenAShellWouldInterpret() {
    for (String token : new String[] {"a b", "a$(id)", "a\nB=1", "a'b", "a;b"}) {
      assertThatThrownBy(() -> Output.ENV.render(new IssuedToken(token, ISSUED, "{}"), clock))
          .isInstanceOfSatisfying(
              WorkloadException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(Failure.OUTPUT);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "the token has characters an env line cannot carry unquoted; use --output"
                            + " token or json")
                    .doesNotContain(token);
              });
    }
  }

  @Test
  void execCredentialIsKubernetesV1WithAnExpirationToTheSecond() throws Exception {
    IssuedToken fractional =
        new IssuedToken(TOKEN, ISSUED.plusSeconds(3600).plusMillis(999), RESPONSE);

    String text = Output.EXEC_CREDENTIAL.render(fractional, clock);

    assertThat(text)
        .isEqualTo(
            "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                + "\"status\":{\"token\":\""
                + TOKEN
                + "\",\"expirationTimestamp\":\"2025-03-01T13:00:00Z\"}}\n");
    JsonNode credential = JSON.readTree(text);
    assertThat(credential.path("status").path("token").asText()).isEqualTo(TOKEN);
  }

  @Test
  void execCredentialEscapesWhatJsonMust() throws Exception {
    String token = "a\"b\\c\u0001d\u2028";

    String text = Output.EXEC_CREDENTIAL.render(new IssuedToken(token, ISSUED, "{}"), clock);

    assertThat(JSON.readTree(text).path("status").path("token").asText()).isEqualTo(token);
    assertThat(text).doesNotContain("\u0001").hasLineCount(1);
  }

  @Test
  void execCredentialWithoutAnExpiryIsAnOutputFailure() {
    assertThatThrownBy(() -> Output.EXEC_CREDENTIAL.render(withoutExpiry(), clock))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.OUTPUT);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the token has no expiry (the response has no expires_in and the token no"
                          + " exp), so kubectl would keep it forever; an exec credential needs"
                          + " one")
                  .doesNotContain("opaque-token");
            });
  }
}
