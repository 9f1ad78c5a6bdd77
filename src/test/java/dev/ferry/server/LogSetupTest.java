package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** {@code logger.format} and {@code logger.excludeFields}, on the encoders Ferry installs. */
class LogSetupTest {
  private final LoggerContext context = new LoggerContext();

  /** A "token exchange successful" line as the token grant logs it, with the request id in MDC. */
  private ILoggingEvent exchangeEvent() {
    LoggingEvent event =
        new LoggingEvent(
            LogSetupTest.class.getName(),
            context.getLogger("dev.ferry.endpoint.token.grant.TokenExchangeGrant"),
            Level.INFO,
            "token exchange successful",
            null,
            null);
    event.addKeyValuePair(new KeyValuePair("connector_id", "github-actions"));
    event.addKeyValuePair(new KeyValuePair("username", "Kilgore Trout"));
    event.addKeyValuePair(new KeyValuePair("email", "kilgore@kilgore.trout"));
    event.addKeyValuePair(new KeyValuePair("groups", List.of("authors")));
    event.setMDCPropertyMap(Map.of("request_id", "r-1"));
    return event;
  }

  private String encode(String format, List<String> excludeFields) {
    Encoder<ILoggingEvent> encoder = LogSetup.encoder(format, excludeFields, context);
    return new String(encoder.encode(exchangeEvent()), StandardCharsets.UTF_8);
  }

  @Test
  void textLinesDropExcludedAttributes() {
    String line = encode("text", List.of("email", "username"));
    assertThat(line).contains("msg=\"token exchange successful\"", "connector_id=github-actions");
    assertThat(line).doesNotContain("kilgore@kilgore.trout", "Kilgore Trout");
  }

  @Test
  void jsonLinesDropExcludedAttributes() throws Exception {
    // Dex's excludeFields is for PII suppression: it must hold in JSON as it does in text.
    String line = encode("json", List.of("email", "username", "request_id"));
    assertThat(line).doesNotContain("kilgore@kilgore.trout", "Kilgore Trout", "r-1");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("connector_id").asText()).isEqualTo("github-actions");
    assertThat(json.has("email")).isFalse();
    assertThat(json.has("username")).isFalse();
    assertThat(json.has("request_id")).isFalse();
  }

  @Test
  void jsonLinesHaveSlogsKeysAsDexWritesThem() throws Exception {
    // Dex logs JSON through Go's slog: {"time":...,"level":"INFO","msg":...,<attributes>}.
    String line = encode("json", List.of());
    assertThat(line).endsWith("\n").doesNotContain("\n{");
    JsonNode json = new ObjectMapper().readTree(line);
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactlyInAnyOrder(
            "time", "level", "msg", "request_id", "connector_id", "username", "email", "groups");
    assertThat(json.get("msg").asText()).isEqualTo("token exchange successful");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z");
    assertThat(json.get("groups").isArray()).isTrue();
    assertThat(json.get("request_id").asText()).isEqualTo("r-1");
  }

  private String encodeOne(String format, String message, String value) {
    LoggingEvent event =
        new LoggingEvent(
            LogSetupTest.class.getName(),
            context.getLogger("dev.ferry.endpoint.token.TokenEndpoint"),
            Level.WARN,
            message,
            null,
            null);
    event.addKeyValuePair(new KeyValuePair("client_id", value));
    event.setMDCPropertyMap(Map.of("request_id", value));
    Encoder<ILoggingEvent> encoder = LogSetup.encoder(format, List.of(), context);
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void textLinesEscapeControlCharactersAsGosSlogQuotes() {
    String hostile = "a\u001b[31mb\u0000c\u000bd\u000ce\u0085f\u2028g\u2029h\u007fi\u009bj\nk";
    String line = encodeOne("text", "bad client " + hostile, hostile);
    // strconv.Quote: hex escapes for controls, the usual letters for VT, FF and LF.
    String quoted = "\"a\\x1b[31mb\\x00c\\vd\\fe\\u0085f\\u2028g\\u2029h\\x7fi\\u009bj\\nk\"";
    assertThat(line).contains(" client_id=" + quoted, " request_id=" + quoted);
    assertThat(line).contains("msg=\"bad client a\\x1b[31mb");
    assertThat(line.substring(0, line.length() - 1))
        .doesNotContainPattern("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]");
    // Printable non-ASCII stays as it is, as in Go.
    assertThat(encodeOne("text", "m", "Jos\u00e9")).contains(" client_id=Jos\u00e9 ");
  }

  @Test
  void longValuesAreCutWithTheirLengthInBothFormats() throws Exception {
    String huge = "x".repeat(1 << 20);
    for (String format : List.of("text", "json")) {
      String line = encodeOne(format, "msg " + huge, huge);
      assertThat(line.length()).as(format).isLessThan(64 << 10);
      assertThat(line).as(format).contains("...[truncated, 1048576 chars]");
    }
    JsonNode json = new ObjectMapper().readTree(encodeOne("json", "m", huge));
    assertThat(json.get("client_id").asText()).startsWith("xxxx").hasSizeLessThan(9000);
    assertThat(json.get("request_id").asText()).endsWith("...[truncated, 1048576 chars]");
  }
}
