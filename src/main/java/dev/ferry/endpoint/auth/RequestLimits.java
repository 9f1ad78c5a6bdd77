package dev.ferry.endpoint.auth;

import dev.ferry.http.Form;
import dev.ferry.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Bounds on an authorization request, so that every redirect the flow builds from it fits in a
 * response header. Jetty's response header buffer is 8 KiB (Ferry's {@code http.HttpServer} keeps
 * Jetty's default) and a {@code Location} beyond it is Jetty's own {@code 500}; Dex (Go) has no
 * such limit. The parameters travel whole in the redirect from {@code /auth} to {@code
 * /auth/{connector}}, once more (escaped again) in the password form's {@code back} link, and
 * {@code state} and {@code redirect_uri} in every answer to the client.
 *
 * <p>The limits are far above what real clients send: oauth2-proxy's {@code state} is a
 * 43-character hash, a colon and the URL the user asked for; Argo CD's is a short random string; an
 * OpenID Connect library's {@code nonce} is a random value or its hash. A URL of 2 KiB is already
 * past what old browsers accepted.
 */
final class RequestLimits {
  /** The parameters, encoded as a query string (as {@code /auth} forwards them). */
  static final int MAX_PARAMETERS_BYTES = 4096;

  /** {@code state}, in characters: sent back in every redirect to the client. */
  static final int MAX_STATE_LENGTH = 2048;

  /** {@code nonce}, in characters: stored, and copied into the ID token. */
  static final int MAX_NONCE_LENGTH = 1024;

  /**
   * Distinct scopes: Dex knows six, plus one per cross-client peer, and each peer costs a client
   * lookup.
   */
  static final int MAX_SCOPES = 64;

  /**
   * A redirect built by the flow longer than this is refused instead of sent: it leaves room for
   * the status line and the other headers (security headers, {@code web.headers}) in Jetty's 8 KiB.
   */
  static final int MAX_LOCATION_BYTES = 6144;

  static final String TOO_LARGE = "The authorization request is too large.";

  private RequestLimits() {}

  /** The error page for a request past the limits, before anything is stored or redirected. */
  static void check(Form form) {
    if (GoUrl.encode(GoUrl.values(form)).length() > MAX_PARAMETERS_BYTES) {
      throw new FlowException.Shown(400, TOO_LARGE);
    }
    if (form.get("state").length() > MAX_STATE_LENGTH) {
      throw new FlowException.Shown(
          400, "The state parameter is too long (at most " + MAX_STATE_LENGTH + " characters).");
    }
    if (form.get("nonce").length() > MAX_NONCE_LENGTH) {
      throw new FlowException.Shown(
          400, "The nonce parameter is too long (at most " + MAX_NONCE_LENGTH + " characters).");
    }
  }

  /** The scopes in their first order, each once: a repeated scope asks for nothing more. */
  static List<String> distinct(List<String> scopes) {
    return new ArrayList<>(new LinkedHashSet<>(scopes));
  }

  /** Whether the response is a redirect whose {@code Location} would not fit. */
  static boolean locationTooLong(HttpResponse response) {
    Optional<String> location = Optional.ofNullable(response.headers().get("Location"));
    return location.isPresent()
        && location.get().getBytes(StandardCharsets.UTF_8).length > MAX_LOCATION_BYTES;
  }
}
