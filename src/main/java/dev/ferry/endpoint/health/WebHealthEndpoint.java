package dev.ferry.endpoint.health;

import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;

/**
 * {@code /healthz} on the web listener (Dex: server/server.go Server.mount): {@code 200 Health
 * check passed}, or Dex's HTML error page with status 500 when the storage check fails.
 */
public final class WebHealthEndpoint implements HttpEndpoint {
  private final StorageHealthCheck check;

  public WebHealthEndpoint(StorageHealthCheck check) {
    this.check = check;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    if (!check.healthy()) {
      return HttpResponse.htmlError(500, "Internal Server Error", "Health check failed.");
    }
    return HttpResponse.text(200, "Health check passed");
  }
}
