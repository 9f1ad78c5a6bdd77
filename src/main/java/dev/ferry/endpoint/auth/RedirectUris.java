package dev.ferry.endpoint.auth;

import dev.ferry.storage.Client;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Which {@code redirect_uri} a client may use (Dex: server/authflow/request.go
 * validateRedirectURI): an exact match of a registered URI; and for a public client that registered
 * none, the out-of-band URI, the device callback, or {@code http} on a loopback host with any port
 * and path.
 */
final class RedirectUris {
  static final String OOB = "urn:ietf:wg:oauth:2.0:oob";
  static final String DEVICE_CALLBACK = "/device/callback";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private RedirectUris() {}

  static boolean allowed(Client client, String redirectUri) {
    if (client.redirectUris().contains(redirectUri)) {
      return true;
    }
    if (!client.publicClient() || !client.redirectUris().isEmpty()) {
      return false;
    }
    if (redirectUri.equals(OOB) || redirectUri.equals(DEVICE_CALLBACK)) {
      return true;
    }
    // Dex parses the URI first (url.Parse): a control character or a malformed escape anywhere in
    // it is refused here, never found out after the user has logged in.
    return ClientRedirect.parse(redirectUri).isPresent() && loopbackHttp(redirectUri);
  }

  /** {@code http://} followed by a loopback host (and optionally a port), Go's url.Parse rules. */
  private static boolean loopbackHttp(String uri) {
    if (!uri.regionMatches(true, 0, "http://", 0, 7)) {
      return false;
    }
    String rest = uri.substring(7);
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    String authority = rest.substring(0, end);
    if (authority.contains("@") || authority.contains("%") || authority.contains("\\")) {
      // userinfo, an escaped host, or a backslash (which browsers read as a path separator, Go as
      // part of the host): never a plain loopback host
      return false;
    }
    return isHostLocal(authority);
  }

  /** Dex's isHostLocal: {@code localhost} or a loopback IP, with or without a port. */
  static boolean isHostLocal(String host) {
    if (host.equals("localhost") || loopbackIp(host)) {
      return true;
    }
    String bare;
    String port;
    if (host.startsWith("[")) {
      int close = host.indexOf("]:");
      if (close < 0) {
        return false;
      }
      bare = host.substring(1, close);
      port = host.substring(close + 2);
    } else {
      int colon = host.lastIndexOf(':');
      if (colon < 0 || host.indexOf(':') != colon) {
        return false;
      }
      bare = host.substring(0, colon);
      port = host.substring(colon + 1);
    }
    // Go's url.Parse refuses a port that is not digits ("invalid port"), so Dex never gets here
    // for http://localhost:evil.example/.
    if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return bare.equals("localhost") || loopbackIp(bare);
  }

  /** Go's {@code net.ParseIP(s).IsLoopback()} for a literal address; never a DNS lookup. */
  private static boolean loopbackIp(String s) {
    boolean v4 = IPV4.matcher(s).matches();
    boolean v6 = !v4 && s.indexOf(':') >= 0 && s.chars().allMatch(RedirectUris::ipv6Char);
    if (!v4 && !v6) {
      return false;
    }
    if (v4) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255 || (part.length() > 1 && part.startsWith("0"))) {
          return false;
        }
      }
    }
    try {
      return InetAddress.getByName(s).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean ipv6Char(int c) {
    return (c >= '0' && c <= '9')
        || (c >= 'a' && c <= 'f')
        || (c >= 'A' && c <= 'F')
        || c == ':'
        || c == '.';
  }
}
