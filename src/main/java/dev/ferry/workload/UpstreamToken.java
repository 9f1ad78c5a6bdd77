package dev.ferry.workload;

/**
 * A token the platform issued to this workload, and where it came from.
 *
 * @param value the compact JWT; never printed or logged
 * @param source what gave it, for messages ("github-actions", "file /var/run/...")
 */
public record UpstreamToken(String value, String source) {
  @Override
  public String toString() {
    return "UpstreamToken[source=" + source + "]";
  }
}
