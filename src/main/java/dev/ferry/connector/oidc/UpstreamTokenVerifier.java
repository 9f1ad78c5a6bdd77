package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.UpstreamJson;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Verifies upstream JWTs the way Dex's go-oidc verifier does for token exchange (dex.md §3.5.A):
 * compact JWS only (so exactly one signature), {@code alg} in the allow-list, signature by a key
 * from the upstream JWKS, {@code iss} equal to the expected issuer, {@code exp} present and not
 * passed (no leeway), {@code nbf} at most five minutes ahead. {@code aud}, {@code iat}, {@code
 * nonce}, {@code azp} and {@code typ} are not checked (Dex: {@code SkipClientIDCheck}, issue
 * #4397). Time comes from the injected clock, never from Nimbus.
 */
final class UpstreamTokenVerifier {

  /** go-oidc's allowed clock skew for {@code nbf}; {@code exp} gets none. */
  static final Duration NOT_BEFORE_LEEWAY = Duration.ofMinutes(5);

  private static final String GOOGLE_ISSUER = "https://accounts.google.com";

  private final DefaultJWTProcessor<SecurityContext> tokens;
  private final DefaultJWTProcessor<SecurityContext> signaturesOnly;

  UpstreamTokenVerifier(
      String expectedIssuer,
      Set<JWSAlgorithm> algorithms,
      JWKSource<SecurityContext> keys,
      Clock clock) {
    this.tokens = processor(algorithms, keys);
    this.tokens.setJWTClaimsSetVerifier(
        (claims, context) -> checkClaims(claims, expectedIssuer, clock.instant()));
    // A signed userinfo response is checked for its signature only (go-oidc VerifySignature).
    this.signaturesOnly = processor(Discovery.SUPPORTED_ALGORITHMS, keys);
    this.signaturesOnly.setJWTClaimsSetVerifier((claims, context) -> {});
  }

  private static DefaultJWTProcessor<SecurityContext> processor(
      Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new UpstreamKeySelector(algorithms, keys));
    processor.setJWSVerifierFactory(new UpstreamVerifierFactory());
    // Dex ignores typ: upstream ID tokens come as "JWT", none, or vendor types.
    processor.setJWSTypeVerifier((type, context) -> {});
    return processor;
  }

  /** Verifies a token with every id_token check and returns its payload as claims. */
  ObjectNode verify(String token) throws IdentityException {
    return process(tokens, token, "oidc: failed to verify token: ");
  }

  /** Verifies only the signature of a signed userinfo response and returns its payload. */
  ObjectNode verifySignature(String jwt) throws IdentityException {
    return process(signaturesOnly, jwt, "oidc: failed to verify userinfo response: ");
  }

  private static ObjectNode process(
      DefaultJWTProcessor<SecurityContext> processor, String token, String errorPrefix)
      throws IdentityException {
    SignedJWT jws = parse(token, errorPrefix);
    try {
      processor.process(jws, null);
    } catch (BadJOSEException e) {
      throw new IdentityException(errorPrefix + e.getMessage(), e);
    } catch (JOSEException e) {
      // Key source trouble: the upstream JWKS could not be fetched, or a refetch was rate-limited.
      throw new IdentityException(errorPrefix + e.getMessage(), e);
    }
    try {
      return UpstreamJson.object(jws.getPayload().toString());
    } catch (IOException e) {
      throw new IdentityException(errorPrefix + "malformed claims: " + e.getMessage(), e);
    }
  }

  private static SignedJWT parse(String token, String errorPrefix) throws IdentityException {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new IdentityException(errorPrefix + "malformed jwt: " + e.getMessage(), e);
    }
    if (jwt instanceof SignedJWT jws) {
      return jws;
    }
    // alg "none" parses as a PlainJWT, five parts as a JWE: neither carries an upstream signature.
    throw new IdentityException(errorPrefix + "malformed jwt: not a signed JWS");
  }

  private static void checkClaims(JWTClaimsSet claims, String expectedIssuer, Instant now)
      throws BadJWTException {
    String issuer = claims.getIssuer();
    boolean issuerMatches =
        expectedIssuer.equals(issuer)
            // go-oidc: Google issues ID tokens whose iss lacks the scheme.
            || (GOOGLE_ISSUER.equals(expectedIssuer) && "accounts.google.com".equals(issuer));
    if (!issuerMatches) {
      throw new BadJWTException(
          "id token issued by a different provider, expected \""
              + expectedIssuer
              + "\" got \""
              + issuer
              + "\"");
    }
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      throw new BadJWTException("token has no \"exp\" claim");
    }
    if (now.isAfter(expiry.toInstant())) {
      throw new BadJWTException("token is expired (exp " + expiry.toInstant() + ")");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.plus(NOT_BEFORE_LEEWAY).isBefore(notBefore.toInstant())) {
      throw new BadJWTException(
          "current time " + now + " before the nbf (not before) time " + notBefore.toInstant());
    }
  }
}
