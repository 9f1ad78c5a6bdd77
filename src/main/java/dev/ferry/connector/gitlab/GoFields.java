package dev.ferry.connector.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.json.GoFieldLookup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads fields of a GitLab API answer as Go's {@code encoding/json} fills Dex's structs: keys match
 * their field as {@link GoFieldLookup} matches them (of {@code "id"} and {@code "ID"} the later
 * wins, as in Dex), {@code null} or an absent key leaves the zero value, and a value of another
 * JSON type is an error.
 */
final class GoFields {

  private GoFields() {}

  /** A Go {@code int}; 0 when absent or null. Fractions and exponents are refused, as Go does. */
  static long integer(ObjectNode object, String name) throws IOException {
    Optional<JsonNode> value = GoFieldLookup.scalar(object, name);
    if (value.isEmpty()) {
      return 0;
    }
    JsonNode node = value.get();
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IOException("field \"" + name + "\": expected an integer");
    }
    return node.longValue();
  }

  /** Whether the key is there with a non-null value. */
  static boolean present(ObjectNode object, String name) {
    return GoFieldLookup.scalar(object, name).isPresent();
  }

  /** A Go {@code string}; {@code ""} when absent or null. */
  static String string(ObjectNode object, String name) throws IOException {
    Optional<JsonNode> value = GoFieldLookup.scalar(object, name);
    if (value.isEmpty()) {
      return "";
    }
    if (!value.get().isTextual()) {
      throw new IOException("field \"" + name + "\": expected a string");
    }
    return value.get().textValue();
  }

  /** A Go {@code []string}; empty when absent or null, and a null element becomes {@code ""}. */
  static List<String> strings(ObjectNode object, String name) throws IOException {
    Optional<JsonNode> value = GoFieldLookup.value(object, name);
    if (value.isEmpty()) {
      return List.of();
    }
    if (!value.get().isArray()) {
      throw new IOException("field \"" + name + "\": expected an array of strings");
    }
    List<String> strings = new ArrayList<>(value.get().size());
    for (JsonNode element : value.get()) {
      if (element.isNull()) {
        strings.add("");
      } else if (element.isTextual()) {
        strings.add(element.textValue());
      } else {
        throw new IOException("field \"" + name + "\": expected an array of strings");
      }
    }
    return List.copyOf(strings);
  }
}
