package dev.ferry.endpoint.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.IndentedJson;
import dev.ferry.json.GoJson;
import java.time.Instant;

/**
 * {@code /healthz} and {@code /healthz/ready} on the telemetry listener: go-sundheit's JSON handler
 * as Dex mounts it (Dex: cmd/dex/serve.go runServe). 200 when healthy, 503 otherwise; the body maps
 * the check name to its result, tab-indented with a trailing newline; {@code ?type=short} gives
 * {@code {"storage":"PASS"|"FAIL"}}.
 */
public final class TelemetryHealthEndpoint implements HttpEndpoint {
  private final StorageHealthCheck check;
  private final IndentedJson tabs = new IndentedJson("\t");

  public TelemetryHealthEndpoint(StorageHealthCheck check) {
    this.check = check;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    HealthResult result = check.result();
    boolean shortReport;
    try {
      shortReport = request.query().get("type").equals("short");
    } catch (FormException e) {
      // Go's URL.Query() drops what it cannot parse; the full report is the default.
      shortReport = false;
    }
    ObjectNode body = GoJson.mapper().createObjectNode();
    if (shortReport) {
      body.put("storage", result.healthy() ? "PASS" : "FAIL");
    } else {
      ObjectNode storage = body.putObject("storage");
      if (result.message() != null) {
        storage.put("message", result.message());
      }
      if (result.error() != null) {
        storage.putObject("error").put("message", result.error());
      }
      storage.put("timestamp", time(result.timestamp()));
      if (result.duration() != null && !result.duration().isZero()) {
        storage.put("duration", result.duration().toNanos());
      }
      storage.put("contiguousFailures", result.contiguousFailures());
      Instant firstFailure = result.timeOfFirstFailure();
      if (firstFailure == null) {
        storage.putNull("timeOfFirstFailure");
      } else {
        storage.put("timeOfFirstFailure", time(firstFailure));
      }
    }
    byte[] raw = tabs.write(body);
    byte[] json = new byte[raw.length + 1];
    System.arraycopy(raw, 0, json, 0, raw.length);
    json[raw.length] = '\n';
    return HttpResponse.json(result.healthy() ? 200 : 503, json);
  }

  private static String time(Instant instant) {
    return instant.toString();
  }
}
