package dev.ferry.signer;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * Signs Ferry's tokens with the current key and publishes the public keys. Implementations keep the
 * keys in memory between rotations: signing never touches storage.
 */
public interface Signer {

  /**
   * Signs {@code payload} (the JSON claims, bytes as given so that claim order is kept) as a JWS
   * compact serialization with the protected header {@code {"alg":...,"kid":...}} and no {@code
   * typ} (Dex: server/signer/utils.go signPayload).
   *
   * @throws SigningException when no signing key is available
   */
  String sign(byte[] payload) throws SigningException;

  /** The JWS algorithm of the current signing key, e.g. {@code RS256}. */
  String algorithm() throws SigningException;

  /** The current public key first, then every retained verification key (Dex: /keys). */
  JWKSet publicKeys();
}
