package dev.ferry.workload;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What another server sent, made fit for the one line {@code ferry token} prints: no control or
 * formatting characters (a newline would forge a second line, a bidi override would disguise the
 * first), no token (a server may echo the request it refused), and a bounded length.
 */
public final class Text {
  static final int MAX_CHARS = 300;

  /** A value typed on the command line is shown shorter: the line is about it, not of it. */
  static final int MAX_TYPED_CHARS = 200;

  /**
   * A JWS or JWE in compact form: base64url parts joined by dots, the first one the encoding of a
   * JSON object, which starts "ey" (a brace and a quote) or "ew" (a brace and a line break or a
   * tab). Whether the first part decodes to a JSON object is checked too: a host name like
   * eyewitness.example.com is left alone.
   */
  private static final Pattern JWT_LIKE =
      Pattern.compile("(?<![A-Za-z0-9_-])(e[wy][A-Za-z0-9_-]{8,})(?:\\.[A-Za-z0-9_-]*){2,4}");

  private static final Pattern JSON_OBJECT = Pattern.compile("\\{\\s*\".*\\}\\s*", Pattern.DOTALL);

  private Text() {}

  static String clean(String text) {
    return clean(text, MAX_CHARS);
  }

  /**
   * A value the user gave (a flag, a path, a variable name), as an error line echoes it: cleaned as
   * {@link #clean} cleans a server's text, and shorter.
   */
  public static String typed(String value) {
    return clean(value, MAX_TYPED_CHARS);
  }

  private static String clean(String text, int maxChars) {
    // Redacted before it is cut short: a cut token is still most of a token.
    String shown = redactJwts(withoutControls(text));
    StringBuilder clean = new StringBuilder();
    int count = 0;
    for (int i = 0; i < shown.length(); ) {
      int c = shown.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        continue;
      }
      if (count == maxChars) {
        clean.append("...");
        break;
      }
      clean.appendCodePoint(c);
      count++;
    }
    return clean.toString();
  }

  /** {@code text} with every JWT-shaped part replaced by {@code [redacted]}. */
  static String redactJwts(String text) {
    return JWT_LIKE
        .matcher(text)
        .replaceAll(match -> isJsonObject(match.group(1)) ? "[redacted]" : "$0");
  }

  private static boolean isJsonObject(String base64url) {
    try {
      byte[] decoded = Base64.getUrlDecoder().decode(base64url);
      return JSON_OBJECT.matcher(new String(decoded, StandardCharsets.UTF_8)).matches();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Without control and formatting characters, which could also hide a token's dots. */
  private static String withoutControls(String text) {
    StringBuilder visible = new StringBuilder(text.length());
    text.codePoints()
        .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
        .forEach(visible::appendCodePoint);
    return visible.toString();
  }
}
