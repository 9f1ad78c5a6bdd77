package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small lookups on parsed YAML trees with Dex's case-insensitive key matching. */
final class Json {
  private Json() {}

  /**
   * Values of every field of {@code node} whose name equals {@code name} ignoring case. Go's
   * encoding/json matches struct fields case-insensitively, so {@code Config:} is {@code config:}.
   */
  static List<JsonNode> fieldsIgnoringCase(JsonNode node, String name) {
    List<JsonNode> values = new ArrayList<>();
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (field.getKey().equalsIgnoreCase(name)) {
          values.add(field.getValue());
        }
      }
    }
    return values;
  }

  /** The last matching field's value, as Go keeps the last of duplicate keys. */
  static Optional<JsonNode> fieldIgnoringCase(JsonNode node, String name) {
    List<JsonNode> values = fieldsIgnoringCase(node, name);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }
}
