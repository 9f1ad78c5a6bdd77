package dev.ferry.config;

/**
 * A listen address in Go's {@code host:port} form, as {@code web.http}, {@code web.https}, {@code
 * telemetry.http} and {@code grpc.addr} are written. An empty host ({@code :5556}) means every
 * interface; an IPv6 host is bracketed ({@code [::1]:5556}).
 *
 * @param host host name or address without brackets, or "" for every interface
 * @param port 0 to 65535; 0 lets the system choose
 */
public record ListenAddress(String host, int port) {

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ListenAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "invalid listen address \"" + address + "\": missing port, expected host:port");
    }
    String host = address.substring(0, colon);
    String port = address.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "invalid listen address \"" + address + "\": an IPv6 host needs brackets, [::1]:5556");
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "invalid listen address \"" + address + "\": port must be a number");
    }
    int number = Integer.parseInt(port);
    if (number > 65535) {
      throw new IllegalArgumentException(
          "invalid listen address \"" + address + "\": port must be at most 65535");
    }
    return new ListenAddress(host, number);
  }
}
