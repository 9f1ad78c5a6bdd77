package dev.ferry.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.json.GoJson;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;

/**
 * The one place an {@link OAuthException} becomes HTTP (Dex: oauth2.WriteError): {@code
 * {"error":...,"error_description":...}} as compact Go JSON, the description omitted when absent,
 * the exception's status, {@code Content-Type} and {@code Content-Length}, an optional {@code
 * WWW-Authenticate}, and no cache headers.
 */
public final class OAuthErrorResponse {
  private OAuthErrorResponse() {}

  public static HttpResponse render(OAuthException e) {
    ObjectNode body = GoJson.mapper().createObjectNode().put("error", e.error().code());
    e.description().filter(d -> !d.isEmpty()).ifPresent(d -> body.put("error_description", d));
    HttpResponse response = HttpResponse.json(e.status(), GoJson.compact(body));
    return e.wwwAuthenticate()
        .map(v -> response.withHeader("WWW-Authenticate", v))
        .orElse(response);
  }

  public static HttpResponse render(OAuthError error, String description) {
    return render(new OAuthException(error, description));
  }

  /**
   * The answer when the bounded CPU pool is saturated: {@code 503 temporarily_unavailable} with
   * {@code Retry-After}, so clients back off instead of piling on.
   */
  public static HttpResponse busy() {
    return render(OAuthError.TEMPORARILY_UNAVAILABLE, "The server is busy, retry later.")
        .withHeader("Retry-After", "1");
  }

  public static HttpResponse render(OAuthError error) {
    return render(OAuthException.of(error));
  }
}
