package dev.ferry.config;

/**
 * Checks {@code web.clientRemoteIP.trustedProxies} entries: an IPv4 or IPv6 address with an
 * optional prefix length ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 192.0.2.1}). Written by hand
 * because {@link java.net.InetAddress} would resolve a host name through DNS.
 */
final class IpPrefix {
  private IpPrefix() {}

  static boolean isValid(String value) {
    String address = value;
    int slash = value.indexOf('/');
    String bits = null;
    if (slash >= 0) {
      address = value.substring(0, slash);
      bits = value.substring(slash + 1);
    }
    int maxBits;
    if (isIpv4(address)) {
      maxBits = 32;
    } else if (isIpv6(address)) {
      maxBits = 128;
    } else {
      return false;
    }
    if (bits == null) {
      return true;
    }
    if (bits.isEmpty() || bits.length() > 3 || !digits(bits)) {
      return false;
    }
    return Integer.parseInt(bits) <= maxBits;
  }

  private static boolean isIpv4(String address) {
    String[] octets = address.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String octet : octets) {
      if (octet.isEmpty() || octet.length() > 3 || !digits(octet)) {
        return false;
      }
      // Go's netip rejects leading zeros, which some tools read as octal.
      if (octet.length() > 1 && octet.charAt(0) == '0') {
        return false;
      }
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6(String address) {
    if (!address.contains(":")) {
      return false;
    }
    String text = address;
    int groupsNeeded = 8;
    int lastColon = text.lastIndexOf(':');
    if (text.substring(lastColon + 1).contains(".")) {
      // Embedded IPv4 in the last 32 bits, e.g. ::ffff:192.0.2.1
      if (!isIpv4(text.substring(lastColon + 1))) {
        return false;
      }
      text = text.substring(0, lastColon + 1) + "0";
      groupsNeeded = 7;
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] groups =
        doubleColon >= 0
            ? (text.substring(0, doubleColon) + ":" + text.substring(doubleColon + 2))
                .split(":", -1)
            : text.split(":", -1);
    int count = 0;
    for (String group : groups) {
      if (group.isEmpty()) {
        if (doubleColon < 0) {
          return false;
        }
        continue;
      }
      if (group.length() > 4 || !group.chars().allMatch(IpPrefix::isHex)) {
        return false;
      }
      count++;
    }
    return doubleColon >= 0 ? count < groupsNeeded : count == groupsNeeded;
  }

  private static boolean digits(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
