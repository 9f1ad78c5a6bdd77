package dev.ferry.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a scalar through a parse function and, when it fails, records the problem under the value's
 * key and returns null instead of stopping, so one load reports every bad value. An empty string
 * means "unset" (null), as Dex skips empty durations and levels.
 */
final class ReportingDeserializer<T> extends StdScalarDeserializer<T> {
  private static final long serialVersionUID = 1L;

  private final transient Function<String, T> parse;
  private final String expected;

  ReportingDeserializer(Class<T> type, Function<String, T> parse, String expected) {
    super(type);
    this.parse = parse;
    this.expected = expected;
  }

  @Override
  public @Nullable T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken token = p.currentToken();
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      String key = KeyPath.ofValue(p);
      String got = BindingProblems.describe(token);
      p.skipChildren();
      return report(ctxt, key, "expected " + expected + ", got " + got);
    }
    String text = p.getText();
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      return report(ctxt, KeyPath.ofValue(p), String.valueOf(e.getMessage()));
    }
  }

  private @Nullable T report(DeserializationContext ctxt, String key, String message)
      throws IOException {
    if (ctxt.getAttribute(Problems.class) instanceof Problems problems) {
      problems.add(key, message);
      return null;
    }
    return ctxt.reportInputMismatch(this, "%s: %s", key, message);
  }
}
