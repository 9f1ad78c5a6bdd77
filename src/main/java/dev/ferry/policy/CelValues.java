package dev.ferry.policy;

import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between Ferry's JSON-like values and CEL's. */
final class CelValues {
  /**
   * The most values (members and elements, at any depth) a token's claims may have for the rules to
   * run on them; a token with more is refused (every rule {@code error}) before any evaluation, so
   * a huge list costs one pass, never a slow rule.
   */
  static final int MAX_VALUES = 10_000;

  /** The deepest nesting of objects and arrays evaluated. */
  static final int MAX_DEPTH = 32;

  private CelValues() {}

  /** The claims are too large or too deep for evaluation. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The claims as CEL accepts them: integral numbers as {@code Long} (CEL's int), other numbers as
   * {@code Double}, strings, bools, lists and maps.
   */
  static Map<String, Object> toCel(Map<String, Object> claims) throws TooLarge {
    int[] budget = {MAX_VALUES};
    return celMap(claims, budget, 0);
  }

  private static Map<String, Object> celMap(Map<?, ?> map, int[] budget, int depth)
      throws TooLarge {
    spend(budget, map.size(), depth);
    Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      out.put(entry.getKey().toString(), celValue(entry.getValue(), budget, depth + 1));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Object celValue(Object value, int[] budget, int depth) throws TooLarge {
    if (value instanceof String || value instanceof Boolean || value instanceof Long) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      // Beyond int64 CEL has no integer: keep the nearest double, as JSON parsers do.
      return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (value instanceof BigDecimal decimal) {
      return integral(decimal);
    }
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    if (value instanceof Map<?, ?> map) {
      return celMap(map, budget, depth);
    }
    if (value instanceof List<?> list) {
      spend(budget, list.size(), depth);
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(celValue(element, budget, depth + 1));
      }
      return Collections.unmodifiableList(out);
    }
    // VerifiedSubject admits only JSON values; anything else is shown as text rather than failing.
    return value.toString();
  }

  private static Object integral(BigDecimal decimal) {
    if (decimal.scale() <= 0 || decimal.stripTrailingZeros().scale() <= 0) {
      try {
        return decimal.longValueExact();
      } catch (ArithmeticException tooBig) {
        return decimal.doubleValue();
      }
    }
    return decimal.doubleValue();
  }

  private static void spend(int[] budget, int count, int depth) throws TooLarge {
    if (depth > MAX_DEPTH) {
      throw new TooLarge(
          "the subject token's claims are nested more than " + MAX_DEPTH + " levels deep");
    }
    budget[0] -= count;
    if (budget[0] < 0) {
      throw new TooLarge(
          "the subject token's claims have more than "
              + MAX_VALUES
              + " values, the evaluation limit");
    }
  }

  /** A CEL value that is not JSON. */
  static final class NotJson extends Exception {
    private static final long serialVersionUID = 1L;

    NotJson(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A CEL result as a JSON-like Java value (String, Long, Double, Boolean, List, Map with string
   * keys).
   *
   * @throws NotJson for bytes, timestamps, durations, types, null, unsigned or non-finite numbers
   */
  static Object toJson(Object value) throws NotJson {
    if (value instanceof String || value instanceof Boolean || value instanceof Long) {
      return value;
    }
    if (value instanceof Double number) {
      if (number.isNaN() || number.isInfinite()) {
        throw new NotJson("the number " + number + " is not JSON");
      }
      return number;
    }
    if (value instanceof Integer number) {
      return number.longValue();
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(toJson(element));
      }
      return Collections.unmodifiableList(out);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new NotJson("a map key of type " + typeName(entry.getKey()) + " is not JSON");
        }
        out.put(key, toJson(entry.getValue()));
      }
      return Collections.unmodifiableMap(out);
    }
    throw new NotJson("a value of type " + typeName(value) + " is not JSON");
  }

  /** CEL's name for a runtime value's type, for messages. */
  static String typeName(Object value) {
    return switch (value) {
      case String s -> "string";
      case Boolean b -> "bool";
      case Long l -> "int";
      case Double d -> "double";
      case List<?> l -> "list";
      case Map<?, ?> m -> "map";
      case NullValue n -> "null";
      default -> {
        String name = value.getClass().getSimpleName();
        if (name.contains("ByteString")) {
          yield "bytes";
        }
        if (name.contains("Instant") || name.contains("Timestamp")) {
          yield "timestamp";
        }
        if (name.contains("Duration")) {
          yield "duration";
        }
        if (name.contains("UnsignedLong")) {
          yield "uint";
        }
        if (name.contains("Type")) {
          yield "type";
        }
        yield name;
      }
    };
  }

  /** How a reason shows a claim's value: JSON-ish, cut short so a big claim stays readable. */
  static String show(Object value) {
    StringBuilder out = new StringBuilder();
    show(value, out);
    if (out.length() > 120) {
      out.setLength(117);
      out.append("...");
    }
    return out.toString();
  }

  private static void show(Object value, StringBuilder out) {
    if (out.length() > 120) {
      return;
    }
    if (value instanceof String text) {
      out.append('"');
      for (int i = 0; i < text.length() && out.length() <= 120; i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    } else if (value instanceof List<?> list) {
      out.append('[');
      String separator = "";
      for (Object element : list) {
        out.append(separator);
        separator = ", ";
        show(element, out);
        if (out.length() > 120) {
          return;
        }
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(separator);
        separator = ", ";
        show(entry.getKey().toString(), out);
        out.append(": ");
        show(entry.getValue(), out);
        if (out.length() > 120) {
          return;
        }
      }
      out.append('}');
    } else {
      out.append(value);
    }
  }
}
