package dev.ferry.connector.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Picks the upstream keys that may verify a JWS. The header's {@code alg} must be in the allow-list
 * before anything is looked up, so {@code none} and HMAC never reach the key source (RFC 8725 §3.1,
 * §3.2); only {@code kid} (a lookup hint) and the key type narrow the choice, and {@code jku},
 * {@code x5u}, {@code jwk} and {@code x5c} headers are never used. Unlike Nimbus's selector this
 * one also turns Ed25519 JWKs into JDK keys, so EdDSA works without Tink. RSA keys shorter than
 * {@link #MIN_RSA_BITS} are never used: RFC 7518 §3.3 and §3.5 require 2048 bits, as NIST SP
 * 800-131A does (Go's crypto/rsa refuses under 1024; Ferry follows the RFC).
 */
final class UpstreamKeySelector implements JWSKeySelector<SecurityContext> {

  // DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the raw 32-byte key follows.
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  static final int MIN_RSA_BITS = 2048;

  // Asked per token: the algorithms of given keys change with a changed jwksFile.
  private final Supplier<Set<JWSAlgorithm>> allowed;
  private final UpstreamKeySource keys;

  UpstreamKeySelector(Supplier<Set<JWSAlgorithm>> allowed, UpstreamKeySource keys) {
    this.allowed = allowed;
    this.keys = keys;
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, @Nullable SecurityContext context)
      throws KeySourceException {
    if (!allowed.get().contains(header.getAlgorithm())) {
      return List.of();
    }
    JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
    if (matcher == null) {
      return List.of();
    }
    return toKeys(keys.get(new JWKSelector(matcher), context));
  }

  /** Whether {@code header}'s {@code alg} is allowed at all; no key is looked up otherwise. */
  boolean allows(JWSHeader header) {
    return allowed.get().contains(header.getAlgorithm());
  }

  /**
   * The keys for {@code header} from the cached JWKS only, never fetching; empty when the cache
   * holds no matching key (then {@link #selectJWSKeys} decides, and may fetch).
   */
  List<Key> selectCachedJWSKeys(JWSHeader header) {
    if (!allowed.get().contains(header.getAlgorithm())) {
      return List.of();
    }
    JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
    if (matcher == null) {
      return List.of();
    }
    return toKeys(keys.cached(new JWKSelector(matcher)));
  }

  private static List<Key> toKeys(List<JWK> jwks) {
    List<Key> result = new ArrayList<>();
    for (JWK jwk : jwks) {
      try {
        if (jwk instanceof RSAKey rsa) {
          RSAPublicKey key = rsa.toRSAPublicKey();
          // A short key verifies nothing: a token it signed may have been forged.
          if (key.getModulus().bitLength() >= MIN_RSA_BITS) {
            result.add(key);
          }
        } else if (jwk instanceof ECKey ec) {
          result.add(ec.toECPublicKey());
        } else if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
          result.add(ed25519(okp.getX().decode()));
        }
      } catch (JOSEException | GeneralSecurityException e) {
        // A malformed upstream key cannot verify anything; the others may still.
      }
    }
    return result;
  }

  static Key ed25519(byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw new GeneralSecurityException("Ed25519 public key must be 32 bytes");
    }
    byte[] encoded = new byte[ED25519_SPKI_PREFIX.length + raw.length];
    System.arraycopy(ED25519_SPKI_PREFIX, 0, encoded, 0, ED25519_SPKI_PREFIX.length);
    System.arraycopy(raw, 0, encoded, ED25519_SPKI_PREFIX.length, raw.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
  }
}
