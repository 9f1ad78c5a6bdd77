package dev.ferry.http;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Go's {@code mime.ParseMediaType}, reduced to what {@code Request.ParseForm} makes of it: the
 * lower-cased media type, and whether the header is malformed. Go's {@code ParseForm} fails on a
 * malformed {@code Content-Type} whatever the type is (a JSON body with {@code "application/json;
 * charset"} too), and Dex answers that failure with a bare {@code 400 invalid_request}.
 *
 * @param type the media type, lower-cased; empty when the type itself is malformed
 * @param malformed whether Go reports an error for this header
 */
record GoMediaType(String type, boolean malformed) {
  private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

  static GoMediaType parse(String header) {
    int semi = header.indexOf(';');
    String base = semi < 0 ? header : header.substring(0, semi);
    String type = base.toLowerCase(Locale.ROOT).strip();
    if (!validType(type)) {
      return new GoMediaType("", true);
    }
    String rest = header.substring(base.length());
    Map<String, String> params = new HashMap<>();
    while (true) {
      rest = rest.stripLeading();
      if (rest.isEmpty()) {
        return new GoMediaType(type, false);
      }
      // consumeMediaParam: ";" name "=" value, with optional white space around each part.
      String after = rest;
      String name = "";
      if (after.startsWith(";")) {
        after = after.substring(1).stripLeading();
        int nameEnd = tokenEnd(after);
        name = after.substring(0, nameEnd).toLowerCase(Locale.ROOT);
        after = after.substring(nameEnd).stripLeading();
      }
      if (name.isEmpty() || !after.startsWith("=")) {
        // Only trailing semicolons are forgiven.
        return new GoMediaType(type, !rest.strip().equals(";"));
      }
      after = after.substring(1).stripLeading();
      int valueEnd = valueEnd(after);
      if (valueEnd == 0) {
        return new GoMediaType(type, true);
      }
      String value = unquote(after.substring(0, valueEnd));
      // A repeated parameter is tolerated only with the same value.
      String previous = params.putIfAbsent(name, value);
      if (previous != null && !previous.equals(value)) {
        return new GoMediaType("", true);
      }
      rest = after.substring(valueEnd);
    }
  }

  /**
   * {@code checkMediaTypeDisposition}: a token, optionally "/" and a second token, nothing else.
   */
  private static boolean validType(String type) {
    int end = tokenEnd(type);
    if (end == 0) {
      return false;
    }
    if (end == type.length()) {
      return true;
    }
    if (type.charAt(end) != '/') {
      return false;
    }
    String subtype = type.substring(end + 1);
    int subEnd = tokenEnd(subtype);
    return subEnd > 0 && subEnd == subtype.length();
  }

  private static int tokenEnd(String s) {
    int i = 0;
    while (i < s.length() && isTokenChar(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * The length of a token or a quoted string at the start of {@code s}; 0 when there is neither (an
   * unterminated quoted string counts as neither).
   */
  private static int valueEnd(String s) {
    if (!s.startsWith("\"")) {
      return tokenEnd(s);
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < s.length() && TSPECIALS.indexOf(s.charAt(i + 1)) >= 0) {
        i++;
      } else if (c == '\r' || c == '\n') {
        return 0;
      }
    }
    return 0;
  }

  /** consumeValue's quoted-string: a backslash escapes a special character only. */
  private static String unquote(String value) {
    if (!value.startsWith("\"")) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() - 1 && TSPECIALS.indexOf(value.charAt(i + 1)) >= 0) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean isTokenChar(char c) {
    return c > 0x20 && c < 0x7f && TSPECIALS.indexOf(c) < 0;
  }
}
