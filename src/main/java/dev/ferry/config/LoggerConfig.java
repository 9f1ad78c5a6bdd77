package dev.ferry.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code logger} section. Logs go to stderr.
 *
 * @param level minimum level, default info
 * @param format text (default) or json
 * @param excludeFields attribute keys dropped from every log line (Dex HEAD), e.g. {@code email}
 */
public record LoggerConfig(LogLevel level, LogFormat format, List<String> excludeFields) {
  public LoggerConfig(
      @Nullable LogLevel level, @Nullable LogFormat format, @Nullable List<String> excludeFields) {
    this.level = Defaults.orElse(level, LogLevel.INFO);
    this.format = Defaults.orElse(format, LogFormat.TEXT);
    this.excludeFields = Defaults.strings(excludeFields);
  }

  static LoggerConfig defaults() {
    return new LoggerConfig(null, null, null);
  }
}
