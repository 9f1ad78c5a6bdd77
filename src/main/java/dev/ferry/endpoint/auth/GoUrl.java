package dev.ferry.endpoint.auth;

import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pieces of Go's {@code net/url} the login flow's URLs are built with, so that Ferry's
 * redirects carry the bytes Dex's do: {@code url.Values.Encode} (keys sorted, {@code QueryEscape}),
 * {@code PathEscape}, {@code PathUnescape}, and {@code URL.String}'s escaping of a path and of a
 * fragment.
 */
final class GoUrl {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private GoUrl() {}

  /** Go's escaping modes that the flow uses (net/url shouldEscape). */
  enum Mode {
    QUERY_COMPONENT,
    PATH_SEGMENT,
    PATH,
    FRAGMENT
  }

  /** {@code url.QueryEscape}: a space is {@code +}. */
  static String queryEscape(String s) {
    return escape(s, Mode.QUERY_COMPONENT);
  }

  /** {@code url.PathEscape}: one path segment, {@code /} escaped. */
  static String pathEscape(String s) {
    return escape(s, Mode.PATH_SEGMENT);
  }

  /**
   * What {@code url.URL{Path: p}.String()} writes for {@code p}: a {@code %} already in {@code p}
   * is escaped again, as Go does when {@code RawPath} is unset.
   */
  static String escapePath(String path) {
    return escape(path, Mode.PATH);
  }

  /** {@code URL.String}'s escaping of a fragment set through {@code URL.Fragment}. */
  static String escapeFragment(String fragment) {
    return escape(fragment, Mode.FRAGMENT);
  }

  /** {@code url.Values.Encode}: sorted by key, each value in order, {@code key=value&...}. */
  static String encode(Map<String, List<String>> values) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(values).entrySet()) {
      String key = queryEscape(e.getKey());
      for (String value : e.getValue()) {
        if (!out.isEmpty()) {
          out.append('&');
        }
        out.append(key).append('=').append(queryEscape(value));
      }
    }
    return out.toString();
  }

  /** Every name and value of a parsed form, for {@link #encode}. */
  static Map<String, List<String>> values(Form form) {
    Map<String, List<String>> values = new TreeMap<>();
    for (String name : form.names()) {
      values.put(name, List.copyOf(form.all(name)));
    }
    return values;
  }

  /** {@code url.PathUnescape}: empty when an escape is malformed. */
  static Optional<String> pathUnescape(String s) {
    try {
      return Optional.of(Form.pathUnescape(s));
    } catch (FormException e) {
      return Optional.empty();
    }
  }

  /** Whether every {@code %} in {@code s} starts a valid escape (Go's unescape would succeed). */
  static boolean validEscapes(String s) {
    return s.indexOf('%') < 0 || pathUnescape(s).isPresent();
  }

  static String escape(String s, Mode mode) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c == ' ' && mode == Mode.QUERY_COMPONENT) {
        out.append('+');
      } else if (shouldEscape(c, mode)) {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  /** Go's net/url shouldEscape for the modes above. */
  private static boolean shouldEscape(int c, Mode mode) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return false;
    }
    switch (c) {
      case '-', '_', '.', '~' -> {
        return false;
      }
      case '$', '&', '+', ',', '/', ':', ';', '=', '?', '@' -> {
        return switch (mode) {
          case PATH -> c == '?';
          case PATH_SEGMENT -> c == '/' || c == ';' || c == ',' || c == '?';
          case QUERY_COMPONENT -> true;
          case FRAGMENT -> false;
        };
      }
      default -> {
        // fall through to the fragment's sub-delims
      }
    }
    if (mode == Mode.FRAGMENT && (c == '!' || c == '(' || c == ')' || c == '*')) {
      return false;
    }
    return true;
  }

  /** Go's {@code URL.Query}: malformed pairs are dropped, the others kept. */
  static Map<String, List<String>> lenientQuery(String raw) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty() || pair.indexOf(';') >= 0) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String key = Form.queryUnescape(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : Form.queryUnescape(pair.substring(eq + 1));
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      } catch (FormException e) {
        // dropped, as Go drops it
      }
    }
    return values;
  }

  /** The first value of {@code name} in a {@link #lenientQuery}, or {@code ""}. */
  static String first(Map<String, List<String>> values, String name) {
    List<String> list = values.get(name);
    return list == null || list.isEmpty() ? "" : list.get(0);
  }
}
