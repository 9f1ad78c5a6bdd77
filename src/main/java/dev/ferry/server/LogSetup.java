package dev.ferry.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashCommonFieldNames;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;

/**
 * Configures logging the way Dex's {@code logger} section does: {@code level} (slog level names,
 * with an optional {@code +N}/{@code -N} offset) and {@code format} {@code text} (slog's key=value
 * lines) or {@code json}, to stderr; {@code excludeFields} drops attributes from every line.
 */
public final class LogSetup {
  private LogSetup() {}

  /**
   * Replaces the logging configuration.
   *
   * @param level the threshold, already parsed from {@code logger.level}
   * @throws IllegalArgumentException for an unknown format
   */
  public static void configure(
      org.slf4j.event.Level level, String format, List<String> excludeFields) {
    Level logbackLevel = Level.convertAnSLF4JLevel(level);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Encoder<ILoggingEvent> encoder = encoder(format, excludeFields, context);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(logbackLevel);
    root.addAppender(appender);
    // Libraries chatter at INFO; Ferry's own lines are what an operator reads.
    context.getLogger("org.eclipse.jetty").setLevel(maxLevel(logbackLevel, Level.WARN));
    context.getLogger("com.zaxxer.hikari").setLevel(maxLevel(logbackLevel, Level.WARN));
    // Audit records are a trail, not diagnostics: logger.level: warn must not drop them.
    context.getLogger(LogAuditSink.LOGGER).setLevel(Level.INFO);
  }

  private static Level maxLevel(Level a, Level b) {
    return a.isGreaterOrEqual(b) ? a : b;
  }

  /** The encoder for {@code logger.format}; package-private for tests. */
  static Encoder<ILoggingEvent> encoder(
      String format, List<String> excludeFields, LoggerContext context) {
    return CappedLogEvent.encoder(uncapped(format, excludeFields, context));
  }

  private static Encoder<ILoggingEvent> uncapped(
      String format, List<String> excludeFields, LoggerContext context) {
    return switch (format.isEmpty() ? "text" : format.toLowerCase(Locale.ROOT)) {
      case "json" -> {
        LogstashEncoder json = new LogstashEncoder();
        json.setContext(context);
        json.setFieldNames(slogFieldNames());
        // Attributes are SLF4J key/value pairs, the request id is MDC: exclude from both.
        excludeFields.forEach(json::addExcludeMdcKeyName);
        excludeFields.forEach(json::addExcludeKeyValueKeyName);
        json.start();
        yield json;
      }
      case "text" -> {
        SlogTextLayout layout = new SlogTextLayout(excludeFields);
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
        text.setContext(context);
        text.setLayout(layout);
        text.setCharset(StandardCharsets.UTF_8);
        text.start();
        yield text;
      }
      default ->
          throw new IllegalArgumentException(
              "logger.format: log format is not one of the supported values (text, json): "
                  + format);
    };
  }

  /**
   * Go's slog JSON handler, which Dex uses, writes {@code time}, {@code level} and {@code msg}
   * before the attributes, and nothing else: log pipelines written for Dex select on those keys.
   */
  private static LogstashFieldNames slogFieldNames() {
    LogstashFieldNames names = new LogstashFieldNames();
    names.setTimestamp("time");
    names.setMessage("msg");
    names.setVersion(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLogger(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    names.setThread(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    names.setLevelValue(LogstashCommonFieldNames.IGNORE_FIELD_INDICATOR);
    return names;
  }
}
