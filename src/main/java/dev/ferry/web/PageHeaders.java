package dev.ferry.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The security headers on every page. Dex sends only the operator's {@code web.headers} (Dex:
 * cmd/dex/config.go Headers); Ferry adds its own, and a header the operator names replaces Ferry's
 * of the same name.
 *
 * <p>The Content-Security-Policy allows what the built-in pages use and nothing else: no script at
 * all ({@code default-src 'none'}), styles and images only from Ferry's origin (plus the logo's
 * origin when {@code logoURL} is elsewhere), no framing, no {@code <base>}. It has no {@code
 * form-action}: the password and approval forms post to Ferry, but Ferry answers them with a
 * redirect to the client's {@code redirect_uri} (any origin, or a native app's own scheme), and
 * browsers apply {@code form-action} to every redirect after a form post (BrowserPagesTest shows
 * Chromium refusing one), so {@code 'self'} would break every login. The pages never render markup
 * from input (every value is escaped), so the directive would guard only against an injection that
 * cannot happen.
 */
final class PageHeaders {
  private PageHeaders() {}

  /** The headers for a page, given the logo URL as the page renders it. */
  static Map<String, String> of(String logoUrl, Map<String, String> operatorHeaders) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Content-Security-Policy", contentSecurityPolicy(logoUrl));
    // The CSP's frame-ancestors for browsers that predate it.
    headers.put("X-Frame-Options", "DENY");
    headers.put("X-Content-Type-Options", "nosniff");
    // Page URLs carry the auth request id and its HMAC; no other site needs to see them.
    headers.put("Referrer-Policy", "no-referrer");
    // The approval form's HMAC and the out-of-band code must not stay in a shared cache.
    headers.put("Cache-Control", "no-store");
    headers.putAll(operatorHeaders);
    return headers;
  }

  static String contentSecurityPolicy(String logoUrl) {
    String images = logoSource(logoUrl).map(source -> "'self' " + source).orElse("'self'");
    return "default-src 'none'; style-src 'self'; img-src "
        + images
        + "; frame-ancestors 'none'; base-uri 'none'";
  }

  /** The CSP source that admits an absolute logo URL, or empty when {@code 'self'} covers it. */
  static Optional<String> logoSource(String logoUrl) {
    URI uri;
    try {
      uri = new URI(logoUrl);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      return Optional.empty();
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    if (lower.equals("data")) {
      return Optional.of("data:");
    }
    if ((lower.equals("https") || lower.equals("http")) && uri.getRawAuthority() != null) {
      String host = uri.getHost();
      if (host == null) {
        return Optional.empty();
      }
      String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
      String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      return Optional.of(lower + "://" + hostPart.toLowerCase(Locale.ROOT) + port);
    }
    return Optional.empty();
  }
}
