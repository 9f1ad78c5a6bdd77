package dev.ferry.connector.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A connector config binds keys to fields by Go's rule (Go: encoding/json/decode.go {@code object}:
 * the exact name, else the case-folded one; a later key overwrites an earlier one), the rule {@code
 * GoFieldLookup} applies to parsed trees.
 */
class ConnectorConfigDecoderTest {

  public record Sample(
      @JsonProperty("issuer") String issuer, @JsonProperty("scopes") List<String> scopes) {
    public Sample(@Nullable String issuer, @Nullable List<String> scopes) {
      this.issuer = issuer == null ? "" : issuer;
      this.scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"issuer\":\"a\"} | a",
        "{\"ISSUER\":\"a\"} | a",
        "{\"issuer\":\"a\",\"ISSUER\":\"b\"} | b",
        "{\"ISSUER\":\"b\",\"issuer\":\"a\"} | a",
        "{\"Issuer\":\"b\",\"iSSUER\":\"c\"} | c",
        // Dotless i (U+0131) does not fold to i in Go.
        "{\"\u0131ssuer\":\"a\"} | ''"
      })
  void keysBindAsGoBindsThem(String json, String issuer) throws Exception {
    assertThat(ConnectorConfigDecoder.read("test", json, Sample.class).issuer()).isEqualTo(issuer);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"scopes\":[\"a\"],\"Scopes\":[\"b\"]} | b",
        "{\"Scopes\":[\"b\"],\"scopes\":[\"a\"]} | a"
      })
  void aLaterListReplacesAnEarlierOne(String json, String scope) throws Exception {
    assertThat(ConnectorConfigDecoder.read("test", json, Sample.class).scopes())
        .containsExactly(scope);
  }
}
