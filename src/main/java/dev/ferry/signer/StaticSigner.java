package dev.ferry.signer;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.util.List;

/** A signer with one fixed private key and no rotation: for tests and tools, never for serving. */
public final class StaticSigner implements Signer {
  private final SigningKey key;
  private final JWKSet publicKeys;

  public StaticSigner(JWK privateKey) {
    this.key = SigningKey.of(privateKey);
    this.publicKeys = new JWKSet(List.of(privateKey.toPublicJWK()));
  }

  @Override
  public String sign(byte[] payload) throws SigningException {
    return key.sign(payload);
  }

  @Override
  public String algorithm() {
    return key.algorithm();
  }

  @Override
  public JWKSet publicKeys() {
    return publicKeys;
  }
}
