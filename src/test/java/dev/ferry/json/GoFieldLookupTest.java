package dev.ferry.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go's field matching (Go: encoding/json/decode.go {@code object}: exact name, else folded name;
 * later keys overwrite) on the cases where Ferry's four earlier lookups disagreed: the config
 * file's (last case-insensitive match, nulls included), the SQL config and column readers' (exact
 * key first, else the first case-insensitive match) and the GitLab reader's (two case variants
 * refused).
 */
class GoFieldLookupTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"id\":1} | id | 1",
        "{\"ID\":1} | id | 1",
        "{\"Id\":1} | ID | 1",
        // The SQL readers preferred the exact key; Go lets the later key overwrite it.
        "{\"id\":1,\"ID\":2} | id | 2",
        "{\"ID\":2,\"id\":1} | id | 1",
        "{\"userId\":1,\"USERID\":2,\"UserID\":3} | userID | 3",
        // The SQL readers took the first case variant; Go takes the last.
        "{\"ID\":1,\"Id\":2} | id | 2",
        // Go leaves a string or number field unchanged on null; the config reader let null win.
        "{\"id\":1,\"ID\":null} | id | 1",
        "{\"id\":null,\"ID\":1} | id | 1",
        "{\"id\":null} | id | <none>",
        "{} | id | <none>",
        // Go folds the long s (U+017F) to s and the Kelvin sign (U+212A) to k, which lower-casing
        // with Locale.ROOT did not; equalsIgnoreCase also matched dotless i (U+0131) and dotted
        // capital I (U+0130) to i, which Go does not.
        "{\"\u017Fub\":1} | sub | 1",
        "{\"\u212Aid\":1} | kid | 1",
        "{\"\u0131d\":1} | id | <none>",
        "{\"\u0130D\":1} | id | <none>",
        // Neither a prefix nor a suffix matches.
        "{\"ids\":1} | id | <none>",
        "{\"i\":1} | id | <none>"
      })
  void scalarFieldsGetWhatGoDecodes(String json, String name, String expected) throws Exception {
    JsonNode object = JSON.readTree(json);
    assertThat(GoFieldLookup.scalar(object, name).map(JsonNode::toString).orElse("<none>"))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"groups\":[\"a\"]} | groups | [\"a\"]",
        "{\"groups\":[\"a\"],\"Groups\":[\"b\"]} | groups | [\"b\"]",
        // A later null resets a slice, map or pointer field in Go.
        "{\"groups\":[\"a\"],\"Groups\":null} | groups | <none>",
        "{\"Groups\":null,\"groups\":[\"a\"]} | groups | [\"a\"]"
      })
  void referenceFieldsGetWhatGoDecodes(String json, String name, String expected) throws Exception {
    JsonNode object = JSON.readTree(json);
    assertThat(GoFieldLookup.value(object, name).map(JsonNode::toString).orElse("<none>"))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {"[1] | id", "'\"id\"' | id", "null | id"})
  void aNonObjectHasNoFields(String json, String name) throws Exception {
    JsonNode node = JSON.readTree(json);
    assertThat(GoFieldLookup.all(node, name)).isEmpty();
    assertThat(GoFieldLookup.scalar(node, name)).isEmpty();
  }
}
