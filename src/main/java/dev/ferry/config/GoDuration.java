package dev.ferry.config;

import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration}, which Dex uses for every duration in its config: a signed
 * sequence of decimal numbers, each with an optional fraction and a unit ({@code 300ms}, {@code
 * 1h30m}, {@code 1.5h}, {@code -2m}). Units are ns, us, µs, μs, ms, s, m, h; there is no {@code d}.
 * Error texts match Go's so that messages read the same as Dex's.
 */
final class GoDuration {
  /** 2^63 as an unsigned long: the largest magnitude Go accepts (for a negative duration). */
  private static final long LIMIT = Long.MIN_VALUE;

  private static final Map<String, Long> UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // MICRO SIGN
          "\u03bcs", 1_000L, // GREEK SMALL LETTER MU
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private GoDuration() {}

  /**
   * Parses {@code text} as Go does.
   *
   * @throws IllegalArgumentException with Go's message, e.g. {@code time: unknown unit "d" in
   *     duration "1d"}
   */
  static Duration parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    long total = 0; // unsigned
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!(c == '.' || isDigit(c))) {
        throw invalid(text);
      }
      // Integer part, unsigned, at most 2^63.
      int start = i;
      long whole = 0;
      while (i < s.length() && isDigit(s.charAt(i))) {
        if (Long.compareUnsigned(whole, Long.divideUnsigned(LIMIT, 10)) > 0) {
          throw invalid(text);
        }
        whole = whole * 10 + (s.charAt(i) - '0');
        if (Long.compareUnsigned(whole, LIMIT) > 0) {
          throw invalid(text);
        }
        i++;
      }
      boolean pre = i != start;
      // Fraction: digits past what fits are ignored, as Go does.
      long fraction = 0;
      double scale = 1;
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fractionStart = i;
        boolean overflow = false;
        while (i < s.length() && isDigit(s.charAt(i))) {
          if (!overflow) {
            long next = fraction * 10 + (s.charAt(i) - '0');
            if (fraction > Long.MAX_VALUE / 10 || Long.compareUnsigned(next, LIMIT) > 0) {
              overflow = true;
            } else {
              fraction = next;
              scale *= 10;
            }
          }
          i++;
        }
        post = i != fractionStart;
      }
      if (!pre && !post) {
        throw invalid(text);
      }
      int unitStart = i;
      while (i < s.length() && !(s.charAt(i) == '.' || isDigit(s.charAt(i)))) {
        i++;
      }
      if (i == unitStart) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      String unitName = s.substring(unitStart, i);
      Long unit = UNITS.get(unitName);
      if (unit == null) {
        throw new IllegalArgumentException(
            "time: unknown unit " + quote(unitName) + " in duration " + quote(text));
      }
      if (Long.compareUnsigned(whole, Long.divideUnsigned(LIMIT, unit)) > 0) {
        throw invalid(text);
      }
      long value = whole * unit;
      if (fraction != 0) {
        // Go computes the fraction in float64 to stay nanosecond-accurate for hours.
        double unsignedFraction = fraction >= 0 ? fraction : 0x1p63;
        value += (long) (unsignedFraction * (unit / scale));
        if (Long.compareUnsigned(value, LIMIT) > 0) {
          throw invalid(text);
        }
      }
      total += value;
      if (Long.compareUnsigned(total, LIMIT) > 0 || Long.compareUnsigned(total, value) < 0) {
        throw invalid(text);
      }
    }
    if (negative) {
      return Duration.ofNanos(-total); // -2^63 is representable
    }
    if (total < 0) { // 2^63 does not fit a positive duration
      throw invalid(text);
    }
    return Duration.ofNanos(total);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("time: invalid duration " + quote(text));
  }

  private static String quote(String s) {
    return '"' + s + '"';
  }
}
