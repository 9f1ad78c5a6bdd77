package dev.ferry.endpoint.token.grant;

import java.util.List;

/**
 * Go's {@code %q} on a {@code []string}, as Dex renders lists in error descriptions: {@code ["a"
 * "b"]}, each element quoted as {@code strconv.Quote} does (backslash escapes for quotes,
 * backslashes and control characters; printable Unicode kept).
 */
final class GoQuote {
  private GoQuote() {}

  static String list(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(' ');
      }
      quote(out, values.get(i));
    }
    return out.append(']').toString();
  }

  private static void quote(StringBuilder out, String value) {
    out.append('"');
    value
        .codePoints()
        .forEach(c -> {
          switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case 0x07 -> out.append("\\a");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
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
    out.append('"');
  }

  /**
   * Close to Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols, space.
   */
  private static boolean printable(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.UNASSIGNED,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      case Character.SPACE_SEPARATOR -> c == ' ';
      default -> true;
    };
  }
}
