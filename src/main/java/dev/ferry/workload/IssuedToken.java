package dev.ferry.workload;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A token Ferry issued, as the token endpoint returned it.
 *
 * @param token the issued token ({@code access_token} of the response)
 * @param expiresAt when it expires: {@code expires_in} from the response, else the JWT's {@code
 *     exp}; null when neither says
 * @param response the token response's JSON as received
 */
public record IssuedToken(String token, @Nullable Instant expiresAt, String response) {
  @Override
  public String toString() {
    return "IssuedToken[expiresAt=" + expiresAt + "]";
  }
}
