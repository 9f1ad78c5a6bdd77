package dev.ferry.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One line per event in the shape of Go's slog text handler, which Dex uses: {@code time=...
 * level=INFO msg="..." key=value ...}. MDC entries (the request id) and SLF4J key/value pairs
 * become attributes; values with spaces, quotes or {@code =} are quoted.
 */
final class SlogTextLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  private final Set<String> excluded;

  SlogTextLayout(List<String> excludeFields) {
    this.excluded = Set.copyOf(excludeFields);
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(160);
    line.append("time=").append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())));
    line.append(" level=").append(event.getLevel().toString());
    line.append(" msg=").append(quote(event.getFormattedMessage()));
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        attribute(line, pair.key, String.valueOf(pair.value));
      }
    }
    for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
      attribute(line, entry.getKey(), entry.getValue());
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      attribute(line, "err", CappedLogEvent.cap(error.getClassName() + ": " + error.getMessage()));
    }
    return line.append('\n').toString();
  }

  private void attribute(StringBuilder line, String key, String value) {
    if (!excluded.contains(key)) {
      line.append(' ').append(key).append('=').append(quote(value));
    }
  }

  /**
   * Go's slog text handler (log/slog: text_handler.go needsQuoting, appendString): a value is
   * written bare unless it is empty or holds a space, {@code "}, {@code =}, a control character or
   * any other rune that is not printable (Go's unicode.IsPrint), and then it is quoted as
   * strconv.Quote does, so that no control character (ESC, NUL, NEL, U+2028...) reaches the log
   * raw. Ferry also quotes a value with a backslash.
   */
  static String quote(String value) {
    boolean plain = !value.isEmpty();
    for (int i = 0; i < value.length() && plain; ) {
      int c = value.codePointAt(i);
      plain =
          c < 0x80
              ? c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f
              : printable(c) && !Character.isWhitespace(c) && !Character.isSpaceChar(c);
      i += Character.charCount(c);
    }
    if (plain) {
      return value;
    }
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case 0x07 -> quoted.append("\\a");
        case '\b' -> quoted.append("\\b");
        case '\f' -> quoted.append("\\f");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        case 0x0b -> quoted.append("\\v");
        default -> {
          if (c == ' ' || (c >= 0x80 ? printable(c) : c > ' ' && c < 0x7f)) {
            quoted.appendCodePoint(c);
          } else if (c < 0x80) {
            quoted.append(String.format("\\x%02x", c));
          } else if (c < 0x10000) {
            quoted.append(String.format("\\u%04x", c));
          } else {
            quoted.append(String.format("\\U%08x", c));
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  /**
   * Go's unicode.IsPrint beyond ASCII: letters, marks, numbers, punctuation and symbols; not spaces
   * other than U+0020, controls (C1 such as NEL), format characters, separators (U+2028, U+2029),
   * surrogates, private use or unassigned code points.
   */
  private static boolean printable(int c) {
    return switch (Character.getType(c)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL ->
          true;
      default -> false;
    };
  }
}
