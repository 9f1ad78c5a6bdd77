package dev.ferry.workload;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Asks a Ferry issuer for a token: discovery, then one token request. */
public final class Exchanger {
  private final Workplace place;
  private final Duration timeout;

  public Exchanger(Workplace place, Duration timeout) {
    this.place = place;
    this.timeout = timeout;
  }

  /**
   * Discovers the token endpoint of {@code request.issuer()} and makes the token request; {@code
   * upstream} is null exactly when {@link ExchangeRequest#needsUpstreamToken()} is false.
   */
  @SuppressWarnings("DoNotCallSuggester") // skeleton, filled in by its branch
  public IssuedToken exchange(ExchangeRequest request, @Nullable UpstreamToken upstream)
      throws WorkloadException {
    throw new WorkloadException(
        Failure.EXCHANGE, "not built yet " + place.env().size() + " " + timeout);
  }
}
