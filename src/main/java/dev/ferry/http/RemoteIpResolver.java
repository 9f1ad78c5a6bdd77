package dev.ferry.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the client IP of a request (Dex: router.ParseRealIP). The configured header is believed
 * only when the peer is a trusted proxy; the hops it lists are walked from the right, skipping
 * trusted proxies, and the first untrusted hop is the client. Everything left of it is attacker
 * controlled. A malformed hop stops the walk and the peer address is used.
 */
public final class RemoteIpResolver {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  private final String header;
  private final List<Cidr> trusted;

  /**
   * @param header the header naming the client (e.g. {@code X-Forwarded-For}); empty disables it
   * @param trustedProxies CIDRs or single addresses of the proxies allowed to set it
   * @throws IllegalArgumentException for a CIDR that does not parse
   */
  public RemoteIpResolver(String header, List<String> trustedProxies) {
    this.header = header;
    List<Cidr> parsed = new ArrayList<>();
    for (String cidr : trustedProxies) {
      parsed.add(Cidr.parse(cidr));
    }
    this.trusted = List.copyOf(parsed);
  }

  /** The client address for a request from {@code peer} carrying {@code headerValue}. */
  public String resolve(String peer, Optional<String> headerValue) {
    if (header.isEmpty()) {
      return peer;
    }
    Optional<InetAddress> peerAddress = parseLiteral(peer);
    if (peerAddress.isEmpty() || !isTrusted(peerAddress.get())) {
      return peer;
    }
    String[] hops = headerValue.orElse("").split(",", -1);
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      Optional<InetAddress> ip = parseLiteral(hop);
      if (ip.isEmpty()) {
        break;
      }
      if (!isTrusted(ip.get())) {
        return ip.get().getHostAddress();
      }
    }
    return peer;
  }

  public String header() {
    return header;
  }

  private boolean isTrusted(InetAddress ip) {
    for (Cidr cidr : trusted) {
      if (cidr.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /** Parses an IP literal without ever resolving a host name. */
  static Optional<InetAddress> parseLiteral(String s) {
    boolean literal =
        IPV4.matcher(s).matches() || (s.indexOf(':') >= 0 && IPV6.matcher(s).matches());
    if (!literal) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** An address prefix such as {@code 10.0.0.0/8} or {@code fd00::/8}. */
  static final class Cidr {
    private final byte[] network;
    private final int bits;

    private Cidr(byte[] network, int bits) {
      this.network = network;
      this.bits = bits;
    }

    static Cidr parse(String text) {
      String s = text.trim();
      int slash = s.indexOf('/');
      InetAddress address =
          parseLiteral(slash < 0 ? s : s.substring(0, slash))
              .orElseThrow(() -> new IllegalArgumentException("invalid trusted proxy: " + text));
      int max = address.getAddress().length * 8;
      int bits;
      try {
        bits = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid trusted proxy: " + text, e);
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException("invalid trusted proxy: " + text);
      }
      return new Cidr(address.getAddress(), bits);
    }

    boolean contains(InetAddress ip) {
      byte[] candidate = ip.getAddress();
      if (candidate.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((candidate[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
