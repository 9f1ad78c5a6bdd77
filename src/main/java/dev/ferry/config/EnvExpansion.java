package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.json.GoFieldLookup;
import java.util.Map;

/**
 * Expands environment variables in the three places Dex expands them: string values inside {@code
 * storage.config}, {@code connectors[].config} and {@code signer.config} (Dex: config.go, {@code
 * DEX_EXPAND_ENV}).
 *
 * <p>It runs on the parsed tree, so quotes or backslashes in a variable's value cannot change the
 * YAML structure. It recurses through objects (also objects held in arrays) and expands strings
 * held directly in an array; an array nested in an array is left alone, as is every key. {@code
 * issuer}, {@code web}, {@code staticClients} and the rest are never expanded: they have {@code
 * idEnv}, {@code secretEnv} and {@code hashFromEnv} instead.
 */
final class EnvExpansion {
  private final Map<String, String> env;

  EnvExpansion(Map<String, String> env) {
    this.env = env;
  }

  /** Expands in place inside the config blocks of {@code root} (the whole file). */
  void apply(ObjectNode root) {
    for (JsonNode storage : GoFieldLookup.all(root, "storage")) {
      expandConfigOf(storage);
    }
    for (JsonNode signer : GoFieldLookup.all(root, "signer")) {
      expandConfigOf(signer);
    }
    for (JsonNode connectors : GoFieldLookup.all(root, "connectors")) {
      if (connectors instanceof ArrayNode list) {
        list.forEach(this::expandConfigOf);
      }
    }
  }

  private void expandConfigOf(JsonNode section) {
    for (JsonNode config : GoFieldLookup.all(section, "config")) {
      if (config instanceof ObjectNode object) {
        expandObject(object);
      }
    }
  }

  private void expandObject(ObjectNode object) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      JsonNode value = field.getValue();
      if (value.isTextual()) {
        field.setValue(TextNode.valueOf(GoExpand.expand(value.asText(), env)));
      } else if (value instanceof ObjectNode child) {
        expandObject(child);
      } else if (value instanceof ArrayNode array) {
        expandArray(array);
      }
    }
  }

  private void expandArray(ArrayNode array) {
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      if (element.isTextual()) {
        array.set(i, TextNode.valueOf(GoExpand.expand(element.asText(), env)));
      } else if (element instanceof ObjectNode child) {
        expandObject(child);
      }
    }
  }
}
