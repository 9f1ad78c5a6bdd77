package dev.ferry.token;

import java.time.Instant;
import java.util.List;

/**
 * A signed token, its {@code jti}, audience and the instant it expires (the audit record names all
 * three, never the token).
 */
public record IssuedToken(String token, String jti, List<String> audience, Instant expiry) {

  public IssuedToken {
    audience = List.copyOf(audience);
  }
}
