package dev.ferry.workload;

/**
 * What another server sent, made fit for the one line {@code ferry token} prints: no control or
 * formatting characters (a newline would forge a second line, a bidi override would disguise the
 * first), and a bounded length.
 */
final class Text {
  static final int MAX_CHARS = 300;

  private Text() {}

  static String clean(String text) {
    StringBuilder clean = new StringBuilder();
    int count = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        continue;
      }
      if (count == MAX_CHARS) {
        clean.append("...");
        break;
      }
      clean.appendCodePoint(c);
      count++;
    }
    return clean.toString();
  }
}
