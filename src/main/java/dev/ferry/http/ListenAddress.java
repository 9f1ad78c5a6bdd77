package dev.ferry.http;

/**
 * A listen address in Go's {@code host:port} form, as {@code web.http}, {@code web.https}, {@code
 * telemetry.http} and {@code grpc.addr} are written and as Dex hands them to {@code net.Listen}.
 * The one parser for both the config check and the listener, so that an address the check accepts
 * is the address the server binds.
 *
 * <p>The host is split as Go's {@code net.SplitHostPort} splits it (Go: net/ipsock.go
 * SplitHostPort): the port follows the last colon; an IPv6 host must be bracketed ({@code
 * [::1]:5556}, otherwise "too many colons"); a {@code [} or {@code ]} anywhere else is refused. An
 * empty host ({@code :5556}) listens on every interface. The port is stricter than Go's {@code
 * net.Listen}, which also takes an empty port (any free port), a sign, or a service name looked up
 * in {@code /etc/services} ({@code :http}): a configured listener gets a decimal port from 0 to
 * 65535, so that what it binds does not depend on the host it runs on.
 *
 * @param host host name or address without brackets, or "" for every interface
 * @param port 0 to 65535; 0 lets the system choose
 */
public record ListenAddress(String host, int port) {

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException naming what is wrong; the message starts with {@code invalid
   *     listen address "<address>"}
   */
  public static ListenAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw invalid(address, "missing port, expected host:port");
    }
    String host = address.substring(0, colon);
    String port = address.substring(colon + 1);
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close != host.length() - 1) {
        throw invalid(address, "expected [host]:port");
      }
      host = host.substring(1, close);
      if (host.contains("[") || host.contains("]")) {
        throw invalid(address, "unexpected bracket in the host");
      }
    } else if (host.contains(":")) {
      throw invalid(address, "an IPv6 host needs brackets, [::1]:5556");
    } else if (host.contains("[") || host.contains("]")) {
      throw invalid(address, "unexpected bracket in the host");
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(address, "port must be a number");
    }
    int number = Integer.parseInt(port);
    if (number > 65535) {
      throw invalid(address, "port must be at most 65535");
    }
    return new ListenAddress(host, number);
  }

  private static IllegalArgumentException invalid(String address, String why) {
    return new IllegalArgumentException("invalid listen address \"" + address + "\": " + why);
  }
}
