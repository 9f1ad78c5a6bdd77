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
      attribute(line, "err", error.getClassName() + ": " + error.getMessage());
    }
    return line.append('\n').toString();
  }

  private void attribute(StringBuilder line, String key, String value) {
    if (!excluded.contains(key)) {
      line.append(' ').append(key).append('=').append(quote(value));
    }
  }

  private static String quote(String value) {
    boolean plain = !value.isEmpty();
    for (int i = 0; i < value.length() && plain; i++) {
      char c = value.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f;
    }
    if (plain) {
      return value;
    }
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
