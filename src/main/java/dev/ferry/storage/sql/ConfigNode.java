package dev.ferry.storage.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.json.GoFieldLookup;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Dex config object the way Go's {@code encoding/json} decodes it into a struct: keys match
 * case-insensitively, and a wrong type is a problem (collected, naming the key) rather than an
 * exception. As a convenience beyond Dex, a number may also be written as a string of digits, which
 * is what {@code $VAR} expansion produces.
 */
final class ConfigNode {

  private final ObjectNode node;
  private final String path;
  private final List<String> problems;

  ConfigNode(ObjectNode node, String path, List<String> problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  Optional<String> string(String key) {
    JsonNode v = find(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      problems.add(path + "." + key + ": must be a string");
      return Optional.empty();
    }
    return Optional.of(v.asText());
  }

  /** An integer in {@code [min, max]}; empty when absent, null, or invalid (then a problem). */
  Optional<Integer> integer(String key, int min, int max) {
    JsonNode v = find(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    long value;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      value = v.asLong();
    } else if (v.isTextual() && v.asText().trim().matches("-?\\d{1,18}")) {
      value = Long.parseLong(v.asText().trim());
    } else {
      problems.add(path + "." + key + ": must be a whole number");
      return Optional.empty();
    }
    if (value < min || value > max) {
      problems.add(path + "." + key + ": must be between " + min + " and " + max);
      return Optional.empty();
    }
    return Optional.of((int) value);
  }

  /** A nested object; absent or null reads as an empty one. */
  ConfigNode object(String key) {
    JsonNode v = find(key);
    if (v != null && v.isObject()) {
      return new ConfigNode((ObjectNode) v, path + "." + key, problems);
    }
    if (v != null && !v.isNull()) {
      problems.add(path + "." + key + ": must be an object");
    }
    return new ConfigNode(node.objectNode(), path + "." + key, problems);
  }

  String path(String key) {
    return path + "." + key;
  }

  void problem(String key, String message) {
    problems.add(path + "." + key + ": " + message);
  }

  /** Go leaves a string, number or struct field unchanged on null, so a null key is skipped. */
  private @Nullable JsonNode find(String key) {
    return GoFieldLookup.scalar(node, key).orElse(null);
  }
}
