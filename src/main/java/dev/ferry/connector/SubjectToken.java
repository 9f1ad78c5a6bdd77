package dev.ferry.connector;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The metadata of a verified subject token (RFC 8693 §2.1 {@code subject_token_type}; RFC 7519 §4.1
 * {@code iss}, {@code aud}, {@code iat}, {@code exp}, {@code jti}). For a token that is not a JWT
 * (an opaque access token checked by userinfo or a provider API) only what the connector knows is
 * filled: the type and the upstream's issuer, the rest empty.
 *
 * @param type the RFC 8693 token type URN the client declared and the connector verified
 * @param issuer the {@code iss} claim, or the upstream's issuer URL for an opaque token
 */
public record SubjectToken(
    String type,
    String issuer,
    List<String> audience,
    Optional<Instant> issuedAt,
    Optional<Instant> expiresAt,
    Optional<String> jti) {

  public SubjectToken {
    audience = List.copyOf(audience);
  }

  /** An opaque token: nothing known beyond its type and who vouched for it. */
  public static SubjectToken opaque(String type, String issuer) {
    return new SubjectToken(
        type, issuer, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
