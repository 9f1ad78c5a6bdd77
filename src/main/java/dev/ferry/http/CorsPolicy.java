package dev.ferry.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cross-origin handling with the behaviour of gorilla/handlers' {@code CORS} as Dex configures it
 * ({@code AllowedOrigins(web.allowedOrigins)}, {@code AllowedHeaders(web.allowedHeaders)}; Dex:
 * server/router/router.go mountMux.HandleCORS). Only the routes Dex wraps get it, and only when
 * origins are configured.
 *
 * <ul>
 *   <li>No {@code Origin}, or one not allowed: a normal request passes through untouched; a
 *       preflight ({@code OPTIONS}) gets an empty 200 and never reaches the endpoint.
 *   <li>Preflight without {@code Access-Control-Request-Method}: 400; a method other than GET, HEAD
 *       or POST: 405; a requested header that is not allowed: 403.
 *   <li>{@code *} among the origins allows any origin and is echoed back as {@code *}.
 * </ul>
 */
public final class CorsPolicy {
  private static final List<String> SIMPLE_METHODS = List.of("GET", "HEAD", "POST");
  private static final List<String> SIMPLE_HEADERS =
      List.of("Accept", "Accept-Language", "Content-Language", "Origin");

  private final List<String> origins;
  private final List<String> allowedHeaders;

  public CorsPolicy(List<String> allowedOrigins, List<String> allowedHeaders) {
    this.origins = allowedOrigins.contains("*") ? List.of("*") : List.copyOf(allowedOrigins);
    List<String> headers = new ArrayList<>(SIMPLE_HEADERS);
    for (String h : allowedHeaders) {
      String canonical = canonicalHeaderKey(h.trim());
      if (!canonical.isEmpty() && !headers.contains(canonical)) {
        headers.add(canonical);
      }
    }
    this.allowedHeaders = List.copyOf(headers);
  }

  /** Whether this policy does anything: Dex installs CORS only for non-empty origins. */
  public boolean enabled() {
    return !origins.isEmpty();
  }

  HttpResponse apply(HttpRequest request, HttpEndpoint next) throws Exception {
    String origin = request.header("Origin").orElse("");
    boolean preflight = request.method().equals("OPTIONS");
    if (!originAllowed(origin)) {
      return preflight ? HttpResponse.empty(200) : next.handle(request);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (preflight) {
      if (!request.hasHeader("Access-Control-Request-Method")) {
        return HttpResponse.empty(400);
      }
      String method = request.header("Access-Control-Request-Method").orElse("");
      if (!SIMPLE_METHODS.contains(method)) {
        return HttpResponse.empty(405);
      }
      List<String> granted = new ArrayList<>();
      String requested = request.header("Access-Control-Request-Headers").orElse("");
      for (String h : requested.split(",", -1)) {
        String canonical = canonicalHeaderKey(h.trim());
        if (canonical.isEmpty() || SIMPLE_HEADERS.contains(canonical)) {
          continue;
        }
        if (!allowedHeaders.contains(canonical)) {
          return HttpResponse.empty(403);
        }
        granted.add(canonical);
      }
      if (!granted.isEmpty()) {
        headers.put("Access-Control-Allow-Headers", String.join(",", granted));
      }
    }
    if (origins.size() > 1) {
      headers.put("Vary", "Origin");
    }
    headers.put("Access-Control-Allow-Origin", origins.contains("*") ? "*" : origin);
    if (preflight) {
      return HttpResponse.empty(200).withDefaultHeaders(headers);
    }
    return next.handle(request).withDefaultHeaders(headers);
  }

  private boolean originAllowed(String origin) {
    return !origin.isEmpty() && (origins.contains("*") || origins.contains(origin));
  }

  /**
   * Go's {@code http.CanonicalHeaderKey}: {@code x-requested-with} becomes {@code
   * X-Requested-With}; a key with a space or other invalid byte is returned unchanged.
   */
  static String canonicalHeaderKey(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean token =
          c < 0x7f && c > 0x20 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0 && c != ' ' && c != '\t';
      if (!token) {
        return key;
      }
    }
    StringBuilder out = new StringBuilder(key.length());
    boolean upper = true;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return out.toString();
  }
}
