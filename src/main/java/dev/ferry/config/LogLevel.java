package dev.ferry.config;

import java.util.Locale;

/**
 * {@code logger.level} as Go's {@code slog.Level}: a name (debug, info, warn, error; any case) with
 * an optional signed offset such as {@code info+2} or {@code error-1}. Levels are integers four
 * apart, so {@code info+4} is warn.
 *
 * @param value slog's number: debug -4, info 0, warn 4, error 8, plus the offset
 */
public record LogLevel(int value) {
  public static final LogLevel DEBUG = new LogLevel(-4);
  public static final LogLevel INFO = new LogLevel(0);
  public static final LogLevel WARN = new LogLevel(4);
  public static final LogLevel ERROR = new LogLevel(8);

  /**
   * Parses as {@code slog.Level.UnmarshalText} does.
   *
   * @throws IllegalArgumentException with slog's message
   */
  public static LogLevel parse(String text) {
    String name = text;
    int offset = 0;
    int sign = indexOfSign(text);
    if (sign >= 0) {
      name = text.substring(0, sign);
      try {
        offset = Integer.parseInt(text.substring(sign));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "slog: level string \"" + text + "\": invalid offset", e);
      }
    }
    LogLevel base =
        switch (name.toUpperCase(Locale.ROOT)) {
          case "DEBUG" -> DEBUG;
          case "INFO" -> INFO;
          case "WARN" -> WARN;
          case "ERROR" -> ERROR;
          default ->
              throw new IllegalArgumentException(
                  "slog: level string \"" + text + "\": unknown name");
        };
    return new LogLevel(base.value + offset);
  }

  private static int indexOfSign(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '+' || text.charAt(i) == '-') {
        return i;
      }
    }
    return -1;
  }

  /** The SLF4J level that lets through what this slog level lets through. */
  public org.slf4j.event.Level slf4j() {
    if (value < DEBUG.value) {
      return org.slf4j.event.Level.TRACE;
    } else if (value < INFO.value) {
      return org.slf4j.event.Level.DEBUG;
    } else if (value < WARN.value) {
      return org.slf4j.event.Level.INFO;
    } else if (value < ERROR.value) {
      return org.slf4j.event.Level.WARN;
    }
    return org.slf4j.event.Level.ERROR;
  }
}
