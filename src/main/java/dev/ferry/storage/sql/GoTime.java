package dev.ferry.storage.sql;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text forms in which Dex's Go code writes instants, so that Ferry reads what Dex wrote and Dex
 * reads what Ferry writes.
 *
 * <ul>
 *   <li>SQLite has no time type: go-sqlite3 stores {@code time.Time} as text in the layout {@code
 *       2006-01-02 15:04:05.999999999-07:00}, in UTC because Dex's SQLite flavor converts every
 *       time to UTC first. On reading it accepts several layouts, a trailing {@code Z}, and no
 *       offset at all (meaning UTC); Dex's own column default is {@code 0001-01-01 00:00:00 UTC}.
 *   <li>JSON (keys, offline sessions, auth sessions): Go's {@code time.Time} marshals as RFC 3339
 *       with nanoseconds, trailing zeros of the fraction dropped ({@code RFC3339Nano}).
 * </ul>
 */
final class GoTime {

  private static final Pattern SQLITE_TIME =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})"
              + "(?:[ T](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?"
              + "\\s*(Z|UTC|[+-]\\d{2}:?\\d{2})?");

  private GoTime() {}

  /** go-sqlite3's layout {@code 2006-01-02 15:04:05.999999999-07:00}, in UTC. */
  static String sqlite(Instant instant) {
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    StringBuilder out = new StringBuilder(35);
    appendDate(out, t);
    out.append(' ');
    appendClock(out, t);
    out.append("+00:00");
    return out.toString();
  }

  /** Go's {@code time.RFC3339Nano} in UTC: {@code 2006-01-02T15:04:05.999999999Z}. */
  static String rfc3339(Instant instant) {
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    StringBuilder out = new StringBuilder(30);
    appendDate(out, t);
    out.append('T');
    appendClock(out, t);
    out.append('Z');
    return out.toString();
  }

  /** Parses any layout go-sqlite3 reads, or empty when the text is not a time. */
  static Optional<Instant> parseSqlite(String text) {
    Matcher m = SQLITE_TIME.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    LocalDate date =
        LocalDate.of(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)));
    LocalTime time = LocalTime.MIDNIGHT;
    if (m.group(4) != null) {
      int nanos = 0;
      String fraction = m.group(7);
      if (fraction != null) {
        nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
      }
      time =
          LocalTime.of(
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
              nanos);
    }
    ZoneOffset offset = ZoneOffset.UTC;
    String zone = m.group(8);
    if (zone != null && !zone.equals("Z") && !zone.equals("UTC")) {
      offset =
          ZoneOffset.of(zone.length() == 5 ? zone.substring(0, 3) + ":" + zone.substring(3) : zone);
    }
    return Optional.of(date.atTime(time).toInstant(offset));
  }

  /** Parses RFC 3339 as Go's JSON decoder does (any offset, optional fraction). */
  static Instant parseRfc3339(String text) {
    return java.time.OffsetDateTime.parse(text).toInstant();
  }

  /** Go's zero {@code time.Time} (year 1), which Dex writes where a time is unset. */
  static boolean isGoZero(Instant instant) {
    return instant.atZone(ZoneOffset.UTC).getYear() <= 1;
  }

  private static void appendDate(StringBuilder out, ZonedDateTime t) {
    pad(out, t.getYear(), 4).append('-');
    pad(out, t.getMonthValue(), 2).append('-');
    pad(out, t.getDayOfMonth(), 2);
  }

  private static void appendClock(StringBuilder out, ZonedDateTime t) {
    pad(out, t.getHour(), 2).append(':');
    pad(out, t.getMinute(), 2).append(':');
    pad(out, t.getSecond(), 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      String fraction = String.format(java.util.Locale.ROOT, "%09d", nanos);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      out.append('.').append(fraction, 0, end);
    }
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(s);
  }
}
