package dev.ferry.endpoint.userinfo;

import dev.ferry.http.CpuWorkers;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.OAuthErrorResponse;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.token.TokenVerifier;
import dev.ferry.token.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /userinfo} (Dex: server/handlers.go handleUserInfo): any method; {@code Authorization:
 * Bearer <Ferry JWT>} with the prefix matched case-insensitively. No or non-Bearer header: {@code
 * 401 access_denied "Invalid bearer token."} with {@code WWW-Authenticate: Bearer}; a token that
 * does not verify (signature, exact issuer, expiry; the audience is not checked): the same body
 * with 403. On success the token's claims JSON is returned verbatim. Verification runs on the CPU
 * worker pool; a failure of the verifier itself is a {@code 500 server_error}, never a 401 or 403.
 */
public final class UserinfoEndpoint implements HttpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(UserinfoEndpoint.class);
  private static final String PREFIX = "bearer ";

  private final TokenVerifier verifier;
  private final CpuWorkers workers;

  public UserinfoEndpoint(TokenVerifier verifier, CpuWorkers workers) {
    this.verifier = verifier;
    this.workers = workers;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    String auth = request.header("Authorization").orElse("");
    if (auth.length() < PREFIX.length()
        || !auth.substring(0, PREFIX.length()).toLowerCase(Locale.ROOT).equals(PREFIX)) {
      return OAuthErrorResponse.render(
          new OAuthException(OAuthError.ACCESS_DENIED, "Invalid bearer token.")
              .withWwwAuthenticate("Bearer"));
    }
    String token = auth.substring(PREFIX.length());
    Optional<VerifiedToken> verified;
    try {
      verified = workers.call(() -> verifier.verify(token));
    } catch (Exception e) {
      // Not a token that failed to verify (that is an empty result): an outage or a bug.
      return OAuthErrorResponse.of(e);
    }
    if (verified.isEmpty()) {
      log.error("failed to verify ID token");
      return OAuthErrorResponse.render(
          new OAuthException(OAuthError.ACCESS_DENIED, "Invalid bearer token.").withStatus(403));
    }
    return HttpResponse.json(200, verified.get().payloadJson().getBytes(StandardCharsets.UTF_8));
  }
}
