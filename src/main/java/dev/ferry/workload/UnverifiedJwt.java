package dev.ferry.workload;

import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.jspecify.annotations.Nullable;

/**
 * The one look at a platform token before it is sent: is it a JWT at all, and has it expired? The
 * signature is not checked (Ferry does that); this only turns a job's misconfiguration into a clear
 * upstream-token error instead of an exchange refusal.
 */
final class UnverifiedJwt {
  private UnverifiedJwt() {}

  /**
   * The trimmed {@code raw} as {@code source}'s token, if it parses as a JWT whose {@code exp} is
   * after {@code clock}'s now. A token without {@code exp} is refused too: no platform issues one,
   * Ferry refuses it anyway, and without it the Ferry token's lifetime would have no upper bound.
   */
  static UpstreamToken check(String raw, String source, Clock clock) throws WorkloadException {
    String value = raw.strip();
    if (value.isEmpty()) {
      throw new WorkloadException(Failure.UPSTREAM_TOKEN, "the token from " + source + " is empty");
    }
    JWTClaimsSet claims = claims(value, source);
    // Nimbus refuses a non-numeric exp while parsing, so a date here is a real one.
    @Nullable Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, "the token from " + source + " has no exp");
    }
    Instant expiresAt = exp.toInstant();
    Instant now = clock.instant();
    if (!expiresAt.isAfter(now)) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN,
          "the token from "
              + source
              + " expired at "
              + expiresAt
              + " ("
              + ago(Duration.between(expiresAt, now))
              + " ago)");
    }
    return new UpstreamToken(value, source);
  }

  private static JWTClaimsSet claims(String value, String source) throws WorkloadException {
    try {
      JWT jwt = JWTParser.parse(value);
      if (jwt instanceof EncryptedJWT) {
        throw new WorkloadException(
            Failure.UPSTREAM_TOKEN,
            "the token from " + source + " is an encrypted JWT; a platform token is signed");
      }
      @Nullable JWTClaimsSet claims = jwt.getJWTClaimsSet();
      if (claims == null) {
        throw notAJwt(source);
      }
      return claims;
    } catch (ParseException e) {
      // Not chained: the parser's message may quote the token.
      throw notAJwt(source);
    }
  }

  private static WorkloadException notAJwt(String source) {
    return new WorkloadException(
        Failure.UPSTREAM_TOKEN, "the token from " + source + " is not a JWT");
  }

  private static String ago(Duration d) {
    long s = d.toSeconds();
    if (s < 120) {
      return s + " s";
    }
    if (s < 2 * 3600) {
      return s / 60 + " min";
    }
    if (s < 2 * 86400) {
      return s / 3600 + " h";
    }
    return s / 86400 + " days";
  }
}
