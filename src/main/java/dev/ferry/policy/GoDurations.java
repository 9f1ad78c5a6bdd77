package dev.ferry.policy;

import java.time.Duration;

/** Durations printed as Go's {@code time.Duration.String} does, as Dex's configs write them. */
final class GoDurations {
  private GoDurations() {}

  /** {@code 1h2m3s}, {@code 10m0s}, {@code 1.5s}, {@code 0s}, {@code -5s}. */
  static String format(Duration duration) {
    if (duration.isNegative()) {
      return "-" + format(duration.negated());
    }
    long seconds = duration.getSeconds();
    int nanos = duration.getNano();
    StringBuilder out = new StringBuilder();
    if (seconds >= 3600) {
      out.append(seconds / 3600).append('h');
    }
    if (seconds >= 60) {
      out.append((seconds % 3600) / 60).append('m');
    }
    out.append(seconds % 60);
    if (nanos != 0) {
      String fraction = String.format(java.util.Locale.ROOT, "%09d", nanos).replaceAll("0+$", "");
      out.append('.').append(fraction);
    }
    return out.append('s').toString();
  }
}
