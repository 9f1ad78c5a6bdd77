package dev.ferry.config;

import dev.ferry.policy.CompiledTrust;
import dev.ferry.policy.TrustCompiler;
import dev.ferry.policy.TrustConfig;
import java.util.List;
import java.util.Optional;

/**
 * What loading asks of the policy package about trust blocks (issue 8): compile each block, and the
 * warning for a connector without one. {@link #policy()} is {@link TrustCompiler}; the seam lets
 * tests of the reporting ({@code config check}, {@code serve}'s start-up warnings) supply problems
 * and warnings of their own.
 */
public interface TrustChecks {

  /** See {@link TrustCompiler#compile}. */
  CompiledTrust compile(String key, Optional<String> upstreamIssuer, TrustConfig trust);

  /** See {@link TrustCompiler#unprotectedIssuerWarning}. */
  Optional<String> unprotectedIssuerWarning(
      String key, String connectorId, Optional<String> upstreamIssuer, List<String> clientIds);

  /** The checks {@code serve} and {@code config check} run: the policy package's. */
  static TrustChecks policy() {
    return PolicyTrustChecks.INSTANCE;
  }

  /** Delegates to {@link TrustCompiler}. */
  enum PolicyTrustChecks implements TrustChecks {
    INSTANCE;

    @Override
    public CompiledTrust compile(String key, Optional<String> upstreamIssuer, TrustConfig trust) {
      return TrustCompiler.compile(key, upstreamIssuer, trust);
    }

    @Override
    public Optional<String> unprotectedIssuerWarning(
        String key, String connectorId, Optional<String> upstreamIssuer, List<String> clientIds) {
      return TrustCompiler.unprotectedIssuerWarning(key, connectorId, upstreamIssuer, clientIds);
    }
  }
}
