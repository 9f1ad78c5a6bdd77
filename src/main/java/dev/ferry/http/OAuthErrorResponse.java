package dev.ferry.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cpu.CpuBusyException;
import dev.ferry.json.GoJson;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failure becomes an OAuth error response (Dex: oauth2.WriteError), for every OAuth
 * endpoint: {@code {"error":...,"error_description":...}} as compact Go JSON, the description
 * omitted when absent, the exception's status, {@code Content-Type} and {@code Content-Length}, an
 * optional {@code WWW-Authenticate}, and no cache headers.
 *
 * <p>Endpoints hand every exception they do not answer themselves to {@link #of(Exception)}: a
 * protocol error is rendered as it is; a saturated CPU pool is a {@code 503}; anything else is a
 * bug or an outage and is a {@code 500 server_error}, never an answer that blames the client (such
 * as {@code 401}). A cause is logged here and only here, with its stack trace; the logging context
 * carries the request id. The cause is never sent.
 */
public final class OAuthErrorResponse {
  private static final Logger log = LoggerFactory.getLogger(OAuthErrorResponse.class);

  private OAuthErrorResponse() {}

  /** Maps any failure of an OAuth endpoint to its response, logging it once. */
  public static HttpResponse of(Exception e) {
    if (e instanceof OAuthException oauth) {
      if (oauth.getCause() != null) {
        log.atError()
            .setMessage("request failed")
            .addKeyValue("error", oauth.error().code())
            .setCause(oauth.getCause())
            .log();
      }
      return render(oauth);
    }
    if (e instanceof CpuBusyException) {
      log.atWarn().setMessage("request refused").addKeyValue("reason", e.getMessage()).log();
      return busy();
    }
    log.atError().setMessage("unexpected error serving request").setCause(e).log();
    return render(OAuthError.SERVER_ERROR);
  }

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
