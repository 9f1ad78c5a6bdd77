package dev.ferry.connector.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The keys of an inline {@code jwks}: fixed for the connector's life, looked up in memory. */
final class InlineKeys implements PinnedKeySource {

  private final PinnedJwks.KeySet keys;

  InlineKeys(PinnedJwks.KeySet keys) {
    this.keys = keys;
  }

  @Override
  public Set<JWSAlgorithm> algorithms() {
    return keys.algorithms();
  }

  @Override
  public List<JWK> get(JWKSelector selector, @Nullable SecurityContext context) {
    return selector.select(keys.keys());
  }

  @Override
  public List<JWK> cached(JWKSelector selector) {
    return selector.select(keys.keys());
  }
}
