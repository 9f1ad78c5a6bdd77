package dev.ferry.policy;

import dev.ferry.connector.SubjectToken;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One connector's compiled {@code trust} block. STUB: being built. */
public final class ConnectorTrust {
  private final TrustConfig config;

  ConnectorTrust(TrustConfig config) {
    this.config = config;
  }

  public TrustConfig config() {
    return config;
  }

  /**
   * The checks on the token beyond its signature: {@code audiences}, {@code maxTokenAge}, {@code
   * iat} at most 5 minutes in the future, and a {@code jti} when {@code singleUse}.
   *
   * @return the reason the token is refused, empty when it passes
   */
  public Optional<String> checkToken(SubjectToken token, Instant now) {
    return Optional.empty();
  }

  /** Tries the rules in order on the verified claims. Never throws on bad claims. */
  public TrustEvaluation evaluate(TrustInput input, Instant now) {
    return new TrustEvaluation(List.of(), Optional.empty(), true, TokenShaping.none());
  }
}
