package dev.ferry.server;

import dev.ferry.json.GoJson;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.AuditSink;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Audit records through the normal log (no {@code audit.path}): one INFO line {@code msg=audit}
 * from the logger {@code dev.ferry.audit}, whose attributes are the record's members. The line is
 * written whatever {@code logger.level} says (an audit trail is not a diagnostic). With {@code
 * logger.format: json} nested members ({@code subject}, {@code rules}, {@code issued}) are JSON
 * objects and arrays; in text they are compact JSON in one quoted value. The record's {@code time}
 * and {@code request_id} are left to the log line's own {@code time} and {@code request_id}, which
 * hold the same values, so no key appears twice.
 */
final class LogAuditSink implements AuditSink {
  /**
   * The logger's name, whose level {@link LogSetup} keeps at INFO whatever {@code logger.level}.
   */
  static final String LOGGER = "dev.ferry.audit";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private final boolean json;

  /**
   * @param json whether the log is JSON ({@code logger.format: json})
   */
  LogAuditSink(boolean json) {
    this.json = json;
  }

  @Override
  public void record(AuditRecord record) {
    LoggingEventBuilder event = log.atInfo().setMessage("audit");
    for (Map.Entry<String, Object> member : record.toMap().entrySet()) {
      String key = member.getKey();
      if (key.equals("time") || key.equals("request_id")) {
        continue;
      }
      Object value = member.getValue();
      event =
          event.addKeyValue(
              key, json || value instanceof String ? value : GoJson.compactString(value));
    }
    event.log();
  }
}
