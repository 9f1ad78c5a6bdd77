package dev.ferry.endpoint.health;

import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;

/**
 * {@code /healthz/live} on the telemetry listener: always {@code 200 ok} (Dex: cmd/dex/serve.go
 * runServe).
 */
public final class LivenessEndpoint implements HttpEndpoint {
  @Override
  public HttpResponse handle(HttpRequest request) {
    return HttpResponse.text(200, "ok");
  }
}
