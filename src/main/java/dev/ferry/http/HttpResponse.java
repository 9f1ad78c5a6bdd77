package dev.ferry.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A complete response produced by an endpoint: the router adds the web headers, metrics and the
 * request id and writes it. Header names are case-insensitive; setting one replaces it, as Go's
 * {@code Header.Set} does.
 */
public final class HttpResponse {

  public static final String JSON = "application/json";
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String HTML = "text/html; charset=utf-8";

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;

  public HttpResponse(int status, Map<String, String> headers, byte[] body) {
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    this.status = status;
    this.headers = Collections.unmodifiableMap(copy);
    this.body = body;
  }

  public int status() {
    return status;
  }

  /** The headers, looked up case-insensitively. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body bytes; not copied, so callers must not modify them. */
  public byte[] body() {
    return body;
  }

  /** A body with its {@code Content-Type} and {@code Content-Length}. */
  public static HttpResponse of(int status, String contentType, byte[] body) {
    return new HttpResponse(
        status,
        Map.of("Content-Type", contentType, "Content-Length", Integer.toString(body.length)),
        body);
  }

  public static HttpResponse json(int status, byte[] body) {
    return of(status, JSON, body);
  }

  public static HttpResponse text(int status, String body) {
    return of(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A response with no body and no content type (CORS preflight answers). */
  public static HttpResponse empty(int status) {
    return new HttpResponse(status, Map.of("Content-Length", "0"), new byte[0]);
  }

  /**
   * Go's {@code http.NotFound}: what Dex answers for any path it does not route, including a route
   * with a trailing slash.
   */
  public static HttpResponse notFound() {
    return text(404, "404 page not found\n").withHeader("X-Content-Type-Options", "nosniff");
  }

  /**
   * Dex's HTML error page (its {@code error.html} template: status text as heading, message as
   * paragraph), used by {@code /keys} and {@code /healthz} on the web listener.
   */
  public static HttpResponse htmlError(int status, String statusText, String message) {
    String page =
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Ferry</title>\n"
            + "</head>\n<body>\n<div class=\"theme-panel\">\n  <h2 class=\"theme-heading\">"
            + escapeHtml(statusText)
            + "</h2>\n  <p>"
            + escapeHtml(message)
            + "</p>\n</div>\n</body>\n</html>\n";
    return of(status, HTML, page.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Go's {@code http.Redirect} for a GET: the {@code Location} header and a small HTML body linking
   * to it. {@code status} is 302 or 303, as Dex uses them ({@code location} is already an absolute
   * path or URL; nothing here resolves it).
   */
  public static HttpResponse redirect(int status, String location) {
    String text = status == 303 ? "See Other" : status == 302 ? "Found" : "Redirect";
    String body = "<a href=\"" + escapeHtml(location) + "\">" + text + "</a>.\n\n";
    return of(status, HTML, body.getBytes(StandardCharsets.UTF_8)).withHeader("Location", location);
  }

  /** A copy with {@code name} set to {@code value}, replacing any previous value. */
  public HttpResponse withHeader(String name, String value) {
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    copy.put(name, value);
    return new HttpResponse(status, copy, body);
  }

  /** A copy whose headers are {@code defaults} overridden by this response's own headers. */
  public HttpResponse withDefaultHeaders(Map<String, String> defaults) {
    if (defaults.isEmpty()) {
      return this;
    }
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(defaults);
    copy.putAll(headers);
    return new HttpResponse(status, copy, body);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  private static String escapeHtml(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&#34;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
