package dev.ferry.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The subject token as the audit record names it: what verification established, and its SHA-256
 * (never the token). A token that failed verification has only its hash: nothing unverified is
 * recorded as if it were known.
 *
 * @param sha256 lowercase hex SHA-256 of the token as sent
 */
public record AuditSubject(
    Optional<String> issuer,
    Optional<String> subject,
    List<String> audience,
    Optional<String> jti,
    Optional<Instant> issuedAt,
    Optional<Instant> expiresAt,
    String sha256) {

  public AuditSubject {
    audience = List.copyOf(audience);
  }

  /** A token known only by its hash. */
  public static AuditSubject unverified(String sha256) {
    return new AuditSubject(
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        sha256);
  }
}
