package dev.ferry.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * A logging event whose message and attribute values are cut to {@link #MAX_CHARS}: a request
 * carries values that reach the log (a client id, a header, an upstream's error), and one request
 * must not be able to write a megabyte into one line. A cut value ends with a marker giving its
 * length. Both log formats encode through {@link #encoder}, so the cap is applied in this one
 * place.
 */
final class CappedLogEvent implements ILoggingEvent {
  /** Far above any value Ferry logs for itself. */
  static final int MAX_CHARS = 8 << 10;

  private final ILoggingEvent event;

  private CappedLogEvent(ILoggingEvent event) {
    this.event = event;
  }

  /** Encodes every event through {@code inner} with its values capped. */
  static Encoder<ILoggingEvent> encoder(Encoder<ILoggingEvent> inner) {
    EncoderBase<ILoggingEvent> capping =
        new EncoderBase<>() {
          @Override
          public byte[] headerBytes() {
            return inner.headerBytes();
          }

          @Override
          public byte[] encode(ILoggingEvent e) {
            return inner.encode(new CappedLogEvent(e));
          }

          @Override
          public byte[] footerBytes() {
            return inner.footerBytes();
          }
        };
    capping.start();
    return capping;
  }

  /** {@code value}, or its first {@link #MAX_CHARS} characters and a marker with its length. */
  static String cap(String value) {
    if (value.length() <= MAX_CHARS) {
      return value;
    }
    return value.substring(0, MAX_CHARS) + "...[truncated, " + value.length() + " chars]";
  }

  @Override
  public String getFormattedMessage() {
    return cap(String.valueOf(event.getFormattedMessage()));
  }

  @Override
  public @Nullable List<KeyValuePair> getKeyValuePairs() {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null) {
      return null;
    }
    List<KeyValuePair> capped = new ArrayList<>(pairs.size());
    for (KeyValuePair pair : pairs) {
      Object value = pair.value;
      // Numbers, booleans, lists and maps (the audit record's members) keep their JSON shape;
      // anything else is logged as text.
      capped.add(
          value instanceof Number
                  || value instanceof Boolean
                  || value instanceof Iterable<?>
                  || value instanceof Map<?, ?>
              ? pair
              : new KeyValuePair(pair.key, cap(String.valueOf(value))));
    }
    return capped;
  }

  @Override
  public Map<String, String> getMDCPropertyMap() {
    Map<String, String> capped = new LinkedHashMap<>();
    event.getMDCPropertyMap().forEach((k, v) -> capped.put(k, cap(String.valueOf(v))));
    return capped;
  }

  @Override
  @SuppressWarnings("deprecation")
  public Map<String, String> getMdc() {
    return getMDCPropertyMap();
  }

  @Override
  public String getThreadName() {
    return event.getThreadName();
  }

  @Override
  public Level getLevel() {
    return event.getLevel();
  }

  @Override
  public String getMessage() {
    return cap(String.valueOf(event.getMessage()));
  }

  @Override
  public Object @Nullable [] getArgumentArray() {
    return event.getArgumentArray();
  }

  @Override
  public String getLoggerName() {
    return event.getLoggerName();
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return event.getLoggerContextVO();
  }

  @Override
  public @Nullable IThrowableProxy getThrowableProxy() {
    return event.getThrowableProxy();
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return event.getCallerData();
  }

  @Override
  public boolean hasCallerData() {
    return event.hasCallerData();
  }

  @Override
  public @Nullable List<Marker> getMarkerList() {
    return event.getMarkerList();
  }

  @Override
  public long getTimeStamp() {
    return event.getTimeStamp();
  }

  @Override
  public int getNanoseconds() {
    return event.getNanoseconds();
  }

  @Override
  public long getSequenceNumber() {
    return event.getSequenceNumber();
  }

  @Override
  public void prepareForDeferredProcessing() {
    event.prepareForDeferredProcessing();
  }
}
