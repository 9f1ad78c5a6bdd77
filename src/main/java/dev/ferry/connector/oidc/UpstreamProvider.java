package dev.ferry.connector.oidc;

import dev.ferry.connector.IdentityException;
import java.util.Optional;

/** Where an opened connector gets its upstream: by discovery ({@link LazyProvider}) or given. */
interface UpstreamProvider {

  /** The upstream's metadata and verifier; may discover now (see {@link LazyProvider}). */
  LazyProvider.Upstream get() throws IdentityException;

  /** Why the upstream is not usable yet, if it is not; for health reporting. */
  Optional<String> problem();

  /** The {@code iss} its tokens must carry, once known without further network. */
  Optional<String> expectedIssuer();

  /** An upstream known from the config alone: given keys, no discovery, never a problem. */
  record Given(LazyProvider.Upstream upstream) implements UpstreamProvider {
    @Override
    public LazyProvider.Upstream get() {
      return upstream;
    }

    @Override
    public Optional<String> problem() {
      return Optional.empty();
    }

    @Override
    public Optional<String> expectedIssuer() {
      return Optional.of(upstream.metadata().expectedIssuer());
    }
  }
}
