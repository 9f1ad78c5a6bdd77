package dev.ferry.config;

import java.util.Locale;

/** {@code logger.format}: {@code text} (Dex's default) or {@code json}, in any case. */
public enum LogFormat {
  TEXT,
  JSON;

  /**
   * Parses as Dex's {@code newLogger} does; the empty string is the default, text.
   *
   * @throws IllegalArgumentException with Dex's message
   */
  public static LogFormat parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "", "text" -> TEXT;
      case "json" -> JSON;
      default ->
          throw new IllegalArgumentException(
              "log format is not one of the supported values (json, text): " + text);
    };
  }
}
