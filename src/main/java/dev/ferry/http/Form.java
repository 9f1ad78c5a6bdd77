package dev.ferry.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Parsed {@code application/x-www-form-urlencoded} parameters with Go's {@code url.ParseQuery}
 * semantics: {@code &} separates pairs, a semicolon is an error, empty keys are skipped, {@code +}
 * is a space, a {@code %} not followed by two hex digits is an error, and the first of repeated
 * values is the one that counts ({@code PostFormValue}). Bytes that are not valid UTF-8 become
 * U+FFFD rather than failing, as they can never match a stored id or secret anyway.
 */
public final class Form {
  private static final Form EMPTY = new Form(Map.of());

  private final Map<String, List<String>> values;

  private Form(Map<String, List<String>> values) {
    this.values = values;
  }

  public static Form empty() {
    return EMPTY;
  }

  /**
   * The values of {@code first} followed by those of {@code second}, per name (Go's {@code
   * ParseForm}, body before query).
   */
  public static Form merge(Form first, Form second) {
    if (second.isEmpty()) {
      return first;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    first.values.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    second.values.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    return new Form(Collections.unmodifiableMap(values));
  }

  /** Every name present, in the order first seen. */
  public java.util.Set<String> names() {
    return values.keySet();
  }

  /** Parses an encoded query or body; every pair is read before the first error is reported. */
  public static Form parse(String encoded) throws FormException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    @Nullable FormException first = null;
    for (String pair : encoded.split("&", -1)) {
      if (pair.indexOf(';') >= 0) {
        first = first != null ? first : new FormException("invalid semicolon separator", false);
      } else if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        try {
          String key = queryUnescape(eq < 0 ? pair : pair.substring(0, eq));
          String value = eq < 0 ? "" : queryUnescape(pair.substring(eq + 1));
          values.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
        } catch (FormException e) {
          first = first != null ? first : e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return new Form(Collections.unmodifiableMap(values));
  }

  /**
   * Go's {@code url.QueryUnescape}: {@code +} becomes a space and {@code %XX} a byte; any other
   * {@code %} is an error. Used for form values and for HTTP Basic credentials (RFC 6749 §2.3.1).
   */
  public static String queryUnescape(String s) throws FormException {
    return unescape(s, true);
  }

  /**
   * Go's {@code url.PathUnescape}: as {@link #queryUnescape}, but {@code +} stays a {@code +}.
   *
   * @throws FormException on a {@code %} not followed by two hex digits
   */
  public static String pathUnescape(String s) throws FormException {
    return unescape(s, false);
  }

  private static String unescape(String s, boolean plusIsSpace) throws FormException {
    if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
      return s;
    }
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '%') {
        if (i + 2 >= raw.length || hex(raw[i + 1]) < 0 || hex(raw[i + 2]) < 0) {
          throw new FormException("invalid URL escape", false);
        }
        out.write(hex(raw[i + 1]) << 4 | hex(raw[i + 2]));
        i += 2;
      } else if (b == '+' && plusIsSpace) {
        out.write(' ');
      } else {
        out.write(b);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  /** The first value of {@code name}, or {@code ""} when absent (Go's {@code FormValue}). */
  public String get(String name) {
    List<String> list = values.get(name);
    return list == null ? "" : list.get(0);
  }

  /** The first value of {@code name}, if the parameter is present at all (even empty). */
  public Optional<String> first(String name) {
    List<String> list = values.get(name);
    return list == null ? Optional.empty() : Optional.of(list.get(0));
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }
}
