package dev.ferry.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/** Renders a parser position as a config key path such as {@code staticClients[1].name}. */
final class KeyPath {
  private KeyPath() {}

  /** The key of the value the parser is on (or inside, for an object or list). */
  static String ofValue(JsonParser p) {
    JsonStreamContext context = p.getParsingContext();
    JsonToken token = p.currentToken();
    // On a START_OBJECT or START_ARRAY the context is already the one the value opens.
    if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
        && context.getParent() != null) {
      context = context.getParent();
    }
    return render(context);
  }

  /**
   * The key of an unknown field named {@code name}. Jackson reports it with the parser on the
   * field's value, whose path already ends in {@code name}; otherwise the name is appended.
   */
  static String ofField(JsonParser p, String name) {
    String path = ofValue(p);
    return path.equals(name) || path.endsWith("." + name) ? path : join(path, name);
  }

  static String join(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  private static String render(@Nullable JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null; c = c.getParent()) {
      if (c.inArray() && c.getCurrentName() != null) {
        // A list has no field names, so this is the root of a replay buffer: Jackson buffers a
        // record's unknown fields and, when the first one's value is a list, that buffer's root
        // context takes the list's type while tracking the field names it replays.
        parts.push(c.getCurrentName());
      } else if (c.inArray()) {
        parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        parts.push(c.getCurrentName());
      }
    }
    StringBuilder path = new StringBuilder();
    for (String part : parts) {
      if (path.length() > 0 && !part.startsWith("[")) {
        path.append('.');
      }
      path.append(part);
    }
    return path.toString();
  }
}
