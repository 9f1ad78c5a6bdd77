package dev.ferry.http;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Routes requests to endpoints the way Dex's gorilla/mux router does (Dex: server/server.go
 * newServer, server/router/router.go mountMux.Handle): every route is mounted at {@code
 * path.Join(issuerPath, route)} and matched exactly against the still-encoded path, so a trailing
 * slash or any other path is Go's plain {@code 404 page not found}. A routed request then gets, in
 * Dex's order: the {@code web.headers}, a request id and client IP in the logging context (MDC keys
 * {@code request_id}, {@code client_remote_addr}), the HTTP metrics, and CORS for the routes Dex
 * wraps with it. New routes (e.g. {@code /auth/{connector}}) are added with {@link Builder#route};
 * patterns with variables can be supported here without touching endpoints.
 */
public final class Router extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

  /**
   * Go's {@code maxPostHandlerReadBytes}: how much of an unread body is read to keep the
   * connection.
   */
  static final long UNREAD_BODY_LIMIT = 256 << 10;

  private final Map<String, Route> routes;
  private final List<Route> patternRoutes;
  private final Map<String, String> headers;
  private final @Nullable HttpMetrics metrics;
  private final @Nullable CorsPolicy cors;
  private final RemoteIpResolver remoteIp;
  private final SecureRandom random;
  private final int maxBodyBytes;
  private final Duration readBodyTimeout;

  private Router(Builder b) {
    this.routes = Map.copyOf(b.routes);
    this.patternRoutes = List.copyOf(b.patternRoutes);
    this.headers = Map.copyOf(b.headers);
    this.metrics = b.metrics;
    this.cors = b.cors;
    this.remoteIp = b.remoteIp;
    this.random = b.random;
    this.maxBodyBytes = b.maxBodyBytes;
    this.readBodyTimeout = b.readBodyTimeout;
  }

  /**
   * @param pathPrefix the issuer URL's path ({@code /dex} for {@code https://host/dex}); empty or
   *     {@code /} mounts routes at the root
   * @param random source of generated request ids
   */
  public static Builder builder(String pathPrefix, SecureRandom random) {
    return new Builder(pathPrefix, random);
  }

  /** Go's {@code path.Join(prefix, route)}: cleaned, no trailing slash, {@code /} for empty. */
  public static String join(String prefix, String route) {
    StringBuilder out = new StringBuilder();
    ArrayDeque<String> parts = new ArrayDeque<>();
    for (String segment : (prefix + "/" + route).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(segment);
      }
    }
    for (String part : parts) {
      out.append('/').append(part);
    }
    return out.isEmpty() ? "/" : out.toString();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    HttpURI uri = request.getHttpURI();
    String path = uri.getPath() == null ? "/" : uri.getPath();
    Route exact = routes.get(path);
    Map<String, String> variables = Map.of();
    Route route = exact;
    if (route == null) {
      for (Route candidate : patternRoutes) {
        Optional<Map<String, String>> matched = candidate.match(path);
        if (matched.isPresent()) {
          route = candidate;
          variables = matched.get();
          break;
        }
      }
    }
    if (route == null) {
      write(response, callback, HttpResponse.notFound());
      return true;
    }
    long start = System.nanoTime();
    Route chosen = route;
    Map<String, String> pathVariables = variables;
    // The endpoint runs once the whole body is in; until then no thread waits for the client.
    RequestBody.read(
        request,
        maxBodyBytes + 1,
        readBodyTimeout,
        body -> respond(request, response, callback, chosen, pathVariables, body, start),
        () -> {
          // Go's server drops a connection whose request outlives ReadTimeout, unanswered.
          request.getConnectionMetaData().getConnection().getEndPoint().close();
          callback.failed(new TimeoutException("request body not received in time"));
        });
    return true;
  }

  private void respond(
      Request request,
      Response response,
      Callback callback,
      Route route,
      Map<String, String> pathVariables,
      RequestBody body,
      long start) {
    HttpURI uri = request.getHttpURI();
    String requestId = requestId(request.getHeaders());
    String peer = Request.getRemoteAddr(request);
    String client =
        remoteIp.header().isEmpty()
            ? peer
            : remoteIp.resolve(
                peer, Optional.ofNullable(request.getHeaders().get(remoteIp.header())));
    MDC.put("request_id", requestId);
    MDC.put("client_remote_addr", client);
    try {
      HttpRequest httpRequest =
          new HttpRequest(
              request.getMethod(),
              uri.getPath() == null ? "/" : uri.getPath(),
              uri.getQuery() == null ? "" : uri.getQuery(),
              request.getHeaders(),
              client,
              requestId,
              body,
              maxBodyBytes,
              pathVariables);
      HttpResponse result = serve(route, httpRequest);
      if (!httpRequest.discardUnreadBody(UNREAD_BODY_LIMIT)) {
        result = result.withHeader("Connection", "close");
      }
      result = result.withDefaultHeaders(headers).withHeader("X-Request-Id", requestId);
      if (metrics != null) {
        metrics.observe(
            route.pattern(),
            request.getMethod(),
            result.status(),
            (System.nanoTime() - start) / 1e9,
            result.body().length);
      }
      write(response, callback, result);
    } finally {
      MDC.remove("request_id");
      MDC.remove("client_remote_addr");
    }
  }

  private HttpResponse serve(Route route, HttpRequest request) {
    try {
      CorsPolicy policy = cors;
      return route.cors() && policy != null
          ? policy.apply(request, route.endpoint())
          : route.endpoint().handle(request);
    } catch (Exception | StackOverflowError e) {
      // Endpoints render their own protocol errors; reaching here is a bug. Never send the trace.
      LOG.error("unhandled error serving {}", route.pattern(), e);
      return HttpResponse.text(500, "Internal Server Error\n");
    }
  }

  private String requestId(HttpFields requestHeaders) {
    String offered = requestHeaders.get("X-Request-Id");
    if (offered != null && SANE_REQUEST_ID.matcher(offered).matches()) {
      return offered;
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    // Version 4 (random) UUID layout, as Dex's uuid.NewString().
    bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
    bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
    long msb = ByteBuffer.wrap(bytes, 0, 8).getLong();
    long lsb = ByteBuffer.wrap(bytes, 8, 8).getLong();
    return new UUID(msb, lsb).toString();
  }

  private static void write(Response response, Callback callback, HttpResponse result) {
    response.setStatus(result.status());
    for (Map.Entry<String, String> h : result.headers().entrySet()) {
      response.getHeaders().put(h.getKey(), h.getValue());
    }
    response.write(true, ByteBuffer.wrap(result.body()), callback);
  }

  /**
   * One mounted route. {@code segments} is the mounted path split at {@code /}; a segment written
   * {@code {name}} matches any one non-empty segment (gorilla/mux's default variable pattern {@code
   * [^/]+}), still percent-encoded.
   */
  private record Route(String pattern, List<String> segments, HttpEndpoint endpoint, boolean cors) {

    boolean hasVariables() {
      return segments.stream().anyMatch(Route::isVariable);
    }

    Optional<Map<String, String>> match(String path) {
      String[] parts = path.split("/", -1);
      if (parts.length != segments.size()) {
        return Optional.empty();
      }
      Map<String, String> variables = new HashMap<>();
      for (int i = 0; i < parts.length; i++) {
        String segment = segments.get(i);
        if (isVariable(segment)) {
          if (parts[i].isEmpty()) {
            return Optional.empty();
          }
          variables.put(segment.substring(1, segment.length() - 1), parts[i]);
        } else if (!segment.equals(parts[i])) {
          return Optional.empty();
        }
      }
      return Optional.of(Map.copyOf(variables));
    }

    private static boolean isVariable(String segment) {
      return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }
  }

  /** Collects routes and the cross-cutting behaviour around them. */
  public static final class Builder {
    private final String prefix;
    private final SecureRandom random;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final List<Route> patternRoutes = new ArrayList<>();
    private Map<String, String> headers = new HashMap<>();
    private @Nullable CorsPolicy cors;
    private @Nullable HttpMetrics metrics;
    private RemoteIpResolver remoteIp = new RemoteIpResolver("", List.of());
    private int maxBodyBytes = HttpServerSettings.DEFAULT_MAX_BODY_BYTES;
    private Duration readBodyTimeout = HttpServerSettings.builder().build().readBodyTimeout();

    private Builder(String prefix, SecureRandom random) {
      this.prefix = prefix;
      this.random = random;
    }

    /** Headers, CORS, client IP and body limit taken from the listener settings. */
    public Builder settings(HttpServerSettings settings) {
      headers = settings.headers();
      CorsPolicy policy = new CorsPolicy(settings.allowedOrigins(), settings.allowedHeaders());
      cors = policy.enabled() ? policy : null;
      remoteIp = new RemoteIpResolver(settings.clientRemoteIpHeader(), settings.trustedProxies());
      maxBodyBytes = settings.maxBodyBytes();
      readBodyTimeout = settings.readBodyTimeout();
      return this;
    }

    public Builder metrics(HttpMetrics value) {
      metrics = value;
      return this;
    }

    /**
     * Mounts {@code endpoint} at {@code path.Join(prefix, pattern)} without CORS. A segment written
     * {@code {name}} matches any one non-empty path segment, read with {@link
     * HttpRequest#pathVariable}; exact routes win over such patterns, and patterns are tried in the
     * order they were mounted.
     */
    public Builder route(String pattern, HttpEndpoint endpoint) {
      return add(pattern, endpoint, false);
    }

    /** Mounts {@code endpoint} with CORS, when origins are configured (Dex: handleWithCORS). */
    public Builder corsRoute(String pattern, HttpEndpoint endpoint) {
      return add(pattern, endpoint, true);
    }

    private Builder add(String pattern, HttpEndpoint endpoint, boolean withCors) {
      String path = join(prefix, pattern);
      Route route = new Route(pattern, List.of(path.split("/", -1)), endpoint, withCors);
      boolean taken =
          routes.containsKey(path)
              || patternRoutes.stream().anyMatch(r -> r.segments().equals(route.segments()));
      if (taken) {
        throw new IllegalArgumentException("route mounted twice: " + path);
      }
      if (route.hasVariables()) {
        patternRoutes.add(route);
      } else {
        routes.put(path, route);
      }
      return this;
    }

    public Router build() {
      return new Router(this);
    }
  }
}
