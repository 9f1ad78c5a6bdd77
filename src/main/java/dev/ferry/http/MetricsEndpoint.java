package dev.ferry.http;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;

/** {@code /metrics} on the telemetry listener: the registry in the format the scraper accepts. */
public final class MetricsEndpoint implements HttpEndpoint {
  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  public MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public HttpResponse handle(HttpRequest request) throws Exception {
    String accept = request.header("Accept").orElse("");
    ExpositionFormatWriter writer = formats.findWriter(accept);
    ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
    writer.write(out, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
    return HttpResponse.of(200, writer.getContentType(), out.toByteArray());
  }
}
