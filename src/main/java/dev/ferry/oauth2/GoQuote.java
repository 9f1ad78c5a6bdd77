package dev.ferry.oauth2;

import java.util.List;

/**
 * Go's {@code %q} for the values Dex quotes in its error descriptions ({@code strconv.Quote}; a
 * slice as {@code ["a" "b"]}). Non-printable characters are escaped, so a description never carries
 * a raw control character. Used by the token endpoint's grants and by the browser flow alike.
 */
public final class GoQuote {
  private GoQuote() {}

  /** {@code strconv.Quote(s)}. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.codePoints()
        .forEach(c -> {
          switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0x07 -> out.append("\\a");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case 0x0b -> out.append("\\v");
            default -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else if (!printable(c)) {
                out.append(c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            }
          }
        });
    return out.append('"').toString();
  }

  /** {@code fmt.Sprintf("%q", values)} for a {@code []string}: {@code ["a" "b"]}. */
  public static String list(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(quote(values.get(i)));
    }
    return out.append(']').toString();
  }

  /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols, ASCII space. */
  private static boolean printable(int c) {
    if (c == 0xfffd) {
      return true;
    }
    int type = Character.getType(c);
    return type != Character.CONTROL
        && type != Character.FORMAT
        && type != Character.SURROGATE
        && type != Character.UNASSIGNED
        && type != Character.PRIVATE_USE
        && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR
        && (type != Character.SPACE_SEPARATOR || c == ' ');
  }
}
