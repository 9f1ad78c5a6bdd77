package dev.ferry.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.signer.Signer;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies tokens Ferry issued, for {@code /userinfo} and {@code /token/introspect}. Like Dex's own
 * verifier it selects the key by {@code kid} (or tries every key when there is none), accepts only
 * asymmetric algorithms, checks the issuer exactly and the expiry, and does not check the audience
 * (Dex: server/signer/keyset.go KeySet.VerifySignature, server/userinfo/userinfo.go
 * Handler.handle).
 */
public final class TokenVerifier {
  private static final Set<JWSAlgorithm> ALLOWED =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private final String issuerUrl;
  private final Signer signer;
  private final Clock clock;
  private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

  public TokenVerifier(String issuerUrl, Signer signer, Clock clock) {
    this.issuerUrl = issuerUrl;
    this.signer = signer;
    this.clock = clock;
  }

  /** The verified token, or empty when it is malformed, forged, foreign or expired. */
  public Optional<VerifiedToken> verify(String jwt) {
    return verify(jwt, true);
  }

  /**
   * The verified token even when it has expired: an {@code id_token_hint} may be expired (OpenID
   * Connect Core §3.1.2.1; Dex: server/authflow/request.go validateIDTokenHint).
   */
  public Optional<VerifiedToken> verifyIgnoringExpiry(String jwt) {
    return verify(jwt, false);
  }

  private Optional<VerifiedToken> verify(String jwt, boolean checkExpiry) {
    SignedJWT parsed;
    try {
      parsed = SignedJWT.parse(jwt);
    } catch (ParseException e) {
      return Optional.empty();
    }
    JWSHeader header = parsed.getHeader();
    if (!ALLOWED.contains(header.getAlgorithm()) || !signatureValid(parsed, header)) {
      return Optional.empty();
    }
    try {
      JWTClaimsSet claims = parsed.getJWTClaimsSet();
      Date expiry = claims.getExpirationTime();
      if (!issuerUrl.equals(claims.getIssuer())
          || (checkExpiry && (expiry == null || !expiry.toInstant().isAfter(clock.instant())))) {
        return Optional.empty();
      }
      Base64URL payload = parsed.getParsedParts()[1];
      return Optional.of(
          new VerifiedToken(
              new String(payload.decode(), StandardCharsets.UTF_8), claims.toJSONObject()));
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  private boolean signatureValid(SignedJWT jwt, JWSHeader header) {
    String kid = header.getKeyID();
    List<JWK> keys = signer.publicKeys().getKeys();
    for (JWK key : keys) {
      if (kid != null && !kid.equals(key.getKeyID())) {
        continue;
      }
      if (verifies(jwt, header, key)) {
        return true;
      }
    }
    return false;
  }

  private boolean verifies(SignedJWT jwt, JWSHeader header, JWK jwk) {
    if (!(jwk instanceof AsymmetricJWK asymmetric)) {
      return false;
    }
    try {
      Key key = asymmetric.toPublicKey();
      JWSVerifier verifier = verifiers.createJWSVerifier(header, key);
      return jwt.verify(verifier);
    } catch (JOSEException e) {
      return false;
    }
  }
}
