package dev.ferry.signer;

import com.nimbusds.jose.jwk.JWKSet;
import dev.ferry.cpu.CpuLane;

/**
 * A {@link Signer} whose signing runs on the {@link CpuLane}: a request thread may wait on the
 * network, so the signature itself, the most expensive step of an exchange, is queued with the
 * other CPU work on the bounded pool sized to the cores. Everything else is the delegate's.
 */
public final class CpuBoundSigner implements Signer {
  private final Signer delegate;
  private final CpuLane cpu;

  public CpuBoundSigner(Signer delegate, CpuLane cpu) {
    this.delegate = delegate;
    this.cpu = cpu;
  }

  @Override
  public String sign(byte[] payload) throws SigningException {
    return cpu.compute(() -> delegate.sign(payload));
  }

  @Override
  public String algorithm() throws SigningException {
    return delegate.algorithm();
  }

  @Override
  public JWKSet publicKeys() {
    return delegate.publicKeys();
  }
}
