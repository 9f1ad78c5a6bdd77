package dev.ferry.http;

/**
 * A Go-style listen address ({@code host:port}, {@code :port}, {@code [::1]:port}). An empty host
 * listens on every interface; port 0 picks a free port (tests).
 */
public record ListenAddress(String host, int port) {

  public static ListenAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("listen address needs a port: " + address);
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port in listen address: " + address, e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("invalid port in listen address: " + address);
    }
    return new ListenAddress(host, port);
  }
}
