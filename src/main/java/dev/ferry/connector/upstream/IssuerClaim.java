package dev.ferry.connector.upstream;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code iss} of an upstream JWT: how it is compared with a configured issuer (one rule for the
 * verifier and for routing, so that a token is routed to the connector that then accepts it), and
 * how it is read <em>before</em> verification, only to choose the connector that will verify it
 * (client assertions, RFC 7523 assertions), never to decide anything.
 */
public final class IssuerClaim {
  private static final String GOOGLE_ISSUER = "https://accounts.google.com";
  private static final String GOOGLE_SHORT_ISSUER = "accounts.google.com";

  private IssuerClaim() {}

  /** A well-formed JWT that is not a JWS: unsecured ({@code alg: none}) or encrypted (JWE). */
  public static final class NotSigned extends ParseException {
    private static final long serialVersionUID = 1L;

    NotSigned() {
      super("not a signed JWS", 0);
    }
  }

  /**
   * Whether a token's {@code iss} names the configured issuer: exactly (go-oidc compares the
   * strings), or Google's short form, since Google issues ID tokens whose {@code iss} lacks the
   * scheme (go-oidc: verify.go).
   */
  public static boolean matches(String configured, @Nullable String iss) {
    return configured.equals(iss)
        || (GOOGLE_ISSUER.equals(configured) && GOOGLE_SHORT_ISSUER.equals(iss));
  }

  /**
   * The unverified {@code iss} of a compact JWS.
   *
   * @return the {@code iss}; empty when the JWS has none, or not as a non-empty string
   * @throws ParseException when the token is not a compact JWS whose payload is a JSON object:
   *     malformed, or (as {@link NotSigned}) unsecured ({@code alg: none}) or encrypted (a JWE's
   *     claims cannot be read without its key, and no connector verifies one); the message is for
   *     the log
   */
  public static Optional<String> unverified(String token) throws ParseException {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (RuntimeException e) {
      // Nimbus reports a malformed token as ParseException; anything else it throws on hostile
      // input is the same answer, not a server error.
      throw new ParseException("malformed jwt: " + e.getClass().getSimpleName(), 0);
    }
    // A payload that is no claims object is malformed whatever the header says; Nimbus checks the
    // registered claims' types while it parses the set (a JWE's set is null: it is encrypted).
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    if (!(jwt instanceof SignedJWT) || claims == null) {
      throw new NotSigned();
    }
    return Optional.ofNullable(claims.getIssuer()).filter(iss -> !iss.isEmpty());
  }
}
