package dev.ferry.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/**
 * The web listener's request metrics under Dex's names and buckets (Dex: server/server.go
 * instrumentHandler): {@code http_requests_total}, {@code request_duration_seconds} and {@code
 * response_size_bytes}, each labelled {@code code, method, handler} where {@code handler} is the
 * route pattern without the issuer path. Unrouted requests (404s) are not counted, as in Dex.
 */
public final class HttpMetrics {
  private final Counter requests;
  private final Histogram duration;
  private final Histogram size;

  public HttpMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("http_requests_total")
            .help("Count of all HTTP requests.")
            .labelNames("code", "method", "handler")
            .register(registry);
    duration =
        Histogram.builder()
            .name("request_duration_seconds")
            .help("A histogram of latencies for requests.")
            .classicOnly()
            .classicUpperBounds(.25, .5, 1, 2.5, 5, 10)
            .labelNames("code", "method", "handler")
            .register(registry);
    size =
        Histogram.builder()
            .name("response_size_bytes")
            .help("A histogram of response sizes for requests.")
            .classicOnly()
            .classicUpperBounds(200, 500, 900, 1500)
            .labelNames("code", "method", "handler")
            .register(registry);
  }

  /**
   * A registry with the JVM and process collectors (Dex exports Go's runtime and process ones) and
   * {@code ferry_build_info{version, java_version, platform} 1} (Dex: dex_build_info).
   */
  public static PrometheusRegistry newRegistry(String version) {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    Gauge buildInfo =
        Gauge.builder()
            .name("ferry_build_info")
            .help("A metric with a constant '1' value labeled by version and runtime.")
            .labelNames("version", "java_version", "platform")
            .register(registry);
    buildInfo
        .labelValues(
            version,
            System.getProperty("java.version", "unknown"),
            System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT)
                + "/"
                + System.getProperty("os.arch", "unknown"))
        .set(1);
    return registry;
  }

  void observe(String handler, String method, int status, double seconds, long bytes) {
    // promhttp uses the bare status number as the code.
    String m = methodLabel(method);
    String code = Integer.toString(status);
    requests.labelValues(code, m, handler).inc();
    duration.labelValues(code, m, handler).observe(seconds);
    size.labelValues(code, m, handler).observe((double) bytes);
  }

  /**
   * The {@code method} label as client_golang's promhttp gives it (prometheus/promhttp:
   * instrument_server.go sanitizeMethod): the standard methods, upper or lower case, lower-cased;
   * anything else is {@code unknown}, so that made-up methods cannot grow {@code /metrics}.
   */
  static String methodLabel(String method) {
    return switch (method) {
      case "GET", "get" -> "get";
      case "PUT", "put" -> "put";
      case "HEAD", "head" -> "head";
      case "POST", "post" -> "post";
      case "DELETE", "delete" -> "delete";
      case "CONNECT", "connect" -> "connect";
      case "OPTIONS", "options" -> "options";
      case "NOTIFY", "notify" -> "notify";
      case "TRACE", "trace" -> "trace";
      case "PATCH", "patch" -> "patch";
      default -> "unknown";
    };
  }
}
