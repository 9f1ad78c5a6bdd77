package dev.ferry.connector.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Query strings as Go's {@code net/url} writes them, for the requests Dex's connectors send through
 * golang.org/x/oauth2: {@link #escape} is {@code url.QueryEscape}, {@link #encode} is {@code
 * url.Values.Encode} (keys sorted).
 */
public final class GoQuery {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private GoQuery() {}

  /**
   * Go's {@code url.QueryEscape}: letters, digits and {@code -_.~} stay, a space becomes {@code +},
   * every other UTF-8 byte becomes {@code %XX}.
   */
  public static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append((char) c);
      } else if (c == ' ') {
        out.append('+');
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /** Go's {@code url.Values.Encode} for single values: {@code k=v} pairs sorted by key. */
  public static String encode(Map<String, String> values) {
    return new TreeMap<>(values)
        .entrySet().stream()
            .map(e -> escape(e.getKey()) + "=" + escape(e.getValue()))
            .collect(Collectors.joining("&"));
  }
}
