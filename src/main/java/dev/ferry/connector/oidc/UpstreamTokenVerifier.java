package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.IssuerClaim;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamJson;
import dev.ferry.cpu.CpuLane;
import java.io.IOException;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Verifies upstream JWTs the way Dex's go-oidc verifier does for token exchange (Dex:
 * connector/oidc/oidc.go oidcConnector.createIdentity; go-oidc oidc/verify.go
 * IDTokenVerifier.Verify): compact JWS only (so exactly one signature), {@code alg} in the
 * allow-list, signature by a key from the upstream JWKS, {@code iss} equal to the expected issuer,
 * {@code exp} present and not passed (no leeway), {@code nbf} at most five minutes ahead. {@code
 * aud}, {@code iat}, {@code nonce}, {@code azp} and {@code typ} are not checked (Dex: {@code
 * SkipClientIDCheck}, issue #4397). Time comes from the injected clock, never from Nimbus. The key
 * lookup, which may fetch the JWKS, runs on the caller's thread (through the connector's bulkhead
 * when it must fetch); only the signature and claims checks run on the {@link CpuLane}.
 */
final class UpstreamTokenVerifier {

  /** go-oidc's allowed clock skew for {@code nbf}; {@code exp} gets none. */
  static final Duration NOT_BEFORE_LEEWAY = Duration.ofMinutes(5);

  private final DefaultJWTProcessor<SecurityContext> tokens;
  private final DefaultJWTProcessor<SecurityContext> signaturesOnly;
  private final UpstreamKeySelector tokenKeys;
  private final UpstreamKeySelector signatureKeys;
  private final CpuLane cpu;
  private final UpstreamBulkhead bulkhead;

  UpstreamTokenVerifier(
      String expectedIssuer,
      Supplier<Set<JWSAlgorithm>> algorithms,
      UpstreamKeySource keys,
      Clock clock,
      CpuLane cpu,
      UpstreamBulkhead bulkhead) {
    this.tokenKeys = new UpstreamKeySelector(algorithms, keys);
    // A signed userinfo response is checked for its signature only (go-oidc VerifySignature).
    this.signatureKeys = new UpstreamKeySelector(() -> Discovery.SUPPORTED_ALGORITHMS, keys);
    this.tokens = processor();
    this.tokens.setJWTClaimsSetVerifier(
        (claims, context) -> checkClaims(claims, expectedIssuer, clock.instant()));
    this.signaturesOnly = processor();
    this.signaturesOnly.setJWTClaimsSetVerifier((claims, context) -> {});
    this.cpu = cpu;
    this.bulkhead = bulkhead;
  }

  /**
   * A processor whose key selector hands back the keys chosen before it ran ({@link SelectedKeys}):
   * Nimbus would otherwise look the keys up, and possibly fetch the JWKS, inside {@code process},
   * which runs on the CPU lane where no I/O belongs.
   */
  private static DefaultJWTProcessor<SecurityContext> processor() {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector((header, context) ->
        context instanceof SelectedKeys selected ? selected.keys() : List.of());
    processor.setJWSVerifierFactory(new UpstreamVerifierFactory());
    // Dex ignores typ: upstream ID tokens come as "JWT", none, or vendor types.
    processor.setJWSTypeVerifier((type, context) -> {});
    return processor;
  }

  /** The keys chosen for one token, handed to the processor as its security context. */
  private record SelectedKeys(List<Key> keys) implements SecurityContext {}

  /** Verifies a token with every id_token check and returns its payload as claims. */
  ObjectNode verify(String token) throws IdentityException {
    return process(tokens, tokenKeys, token, "oidc: failed to verify token: ");
  }

  /** Verifies only the signature of a signed userinfo response and returns its payload. */
  ObjectNode verifySignature(String jwt) throws IdentityException {
    return process(
        signaturesOnly, signatureKeys, jwt, "oidc: failed to verify userinfo response: ");
  }

  /**
   * Key lookup on the calling thread (from the cache, or through the connector's bulkhead when the
   * JWKS must be fetched), then the signature and claims checks on the CPU lane.
   */
  private ObjectNode process(
      DefaultJWTProcessor<SecurityContext> processor,
      UpstreamKeySelector selector,
      String token,
      String errorPrefix)
      throws IdentityException {
    SignedJWT jws = parse(token, errorPrefix);
    List<Key> keys = keysFor(jws, selector, errorPrefix);
    cpu.compute(() -> {
      try {
        processor.process(jws, new SelectedKeys(keys));
      } catch (BadJOSEException e) {
        throw new IdentityException(errorPrefix + e.getMessage(), e);
      } catch (JOSEException e) {
        throw new IdentityException(errorPrefix + e.getMessage(), e);
      }
      return jws;
    });
    try {
      return UpstreamJson.object(jws.getPayload().toString());
    } catch (IOException e) {
      throw new IdentityException(errorPrefix + "malformed claims: " + e.getMessage(), e);
    }
  }

  private List<Key> keysFor(SignedJWT jws, UpstreamKeySelector selector, String errorPrefix)
      throws IdentityException {
    JWSHeader header = jws.getHeader();
    if (!selector.allows(header) || !hasClaimsObject(jws)) {
      // Nimbus refuses these before it would look a key up: no lookup, as before the split.
      return List.of();
    }
    List<Key> cached = selector.selectCachedJWSKeys(header);
    if (!cached.isEmpty()) {
      return cached;
    }
    return bulkhead.call(() -> {
      try {
        return selector.selectJWSKeys(header, null);
      } catch (KeySourceException e) {
        // The upstream JWKS could not be fetched, or a refetch was rate-limited.
        throw new IdentityException(errorPrefix + e.getMessage(), e);
      }
    });
  }

  private static boolean hasClaimsObject(SignedJWT jws) {
    try {
      jws.getJWTClaimsSet();
      return true;
    } catch (ParseException e) {
      return false;
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
    if (!IssuerClaim.matches(expectedIssuer, issuer)) {
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
