package dev.ferry.connector.oidc;

import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream provider, discovered once and then kept (as Dex keeps it for the connector's life).
 *
 * <p>Design: Dex starts even when a connector's upstream is down ({@code
 * DEX_CONTINUE_ON_CONNECTOR_FAILURE}, default true) and reopens the connector on later use. Here
 * the connector always opens; while discovery has not succeeded, a request triggers one attempt.
 * Failed attempts back off exponentially between {@code discoveryRetryMin} and {@code
 * discoveryRetryMax}, and requests in between, or while another thread is already discovering, fail
 * at once: a dead upstream is neither hammered nor allowed to pile up waiting threads. Once
 * discovery has succeeded the result is published through a volatile field and never changes.
 */
final class LazyProvider implements UpstreamProvider {

  private static final Logger LOG = LoggerFactory.getLogger(LazyProvider.class);

  /** A discovered upstream: its metadata and the verifier bound to its keys. */
  record Upstream(ProviderMetadata metadata, UpstreamTokenVerifier verifier) {}

  /** Builds the verifier once the metadata is known. */
  interface Assembler {
    Upstream assemble(ProviderMetadata metadata);
  }

  private final String connectorId;
  private final Discovery discovery;
  private final Assembler assembler;
  private final Clock clock;
  private final Duration retryMin;
  private final Duration retryMax;
  private final ReentrantLock attempt = new ReentrantLock();

  private volatile @Nullable Upstream upstream;
  private volatile @Nullable String lastError;
  // Guarded by attempt.
  private Instant nextAttempt = Instant.MIN;
  private Duration backoff;

  LazyProvider(
      String connectorId,
      Discovery discovery,
      Assembler assembler,
      Clock clock,
      UpstreamHttpSettings settings) {
    this.connectorId = connectorId;
    this.discovery = discovery;
    this.assembler = assembler;
    this.clock = clock;
    this.retryMin = settings.discoveryRetryMin();
    this.retryMax = settings.discoveryRetryMax();
    this.backoff = retryMin;
  }

  /** The discovered upstream, discovering it now if that is due. */
  @Override
  public Upstream get() throws IdentityException {
    Upstream ready = upstream;
    if (ready != null) {
      return ready;
    }
    if (!attempt.tryLock()) {
      throw new IdentityException("oidc: upstream discovery is in progress, try again shortly");
    }
    try {
      ready = upstream;
      if (ready != null) {
        return ready;
      }
      Instant now = clock.instant();
      if (now.isBefore(nextAttempt)) {
        throw new IdentityException(
            "oidc: upstream unavailable, next discovery attempt after "
                + nextAttempt
                + "; last error: "
                + lastError);
      }
      try {
        ready = assembler.assemble(discovery.discover());
      } catch (IOException e) {
        lastError = e.getMessage();
        nextAttempt = now.plus(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(retryMax) > 0 ? retryMax : doubled;
        LOG.warn(
            "oidc connector discovery failed: connector_id={} retry_after={} error={}",
            connectorId,
            nextAttempt,
            lastError);
        throw new IdentityException("oidc: upstream discovery failed: " + lastError, e);
      }
      upstream = ready;
      lastError = null;
      LOG.info(
          "oidc connector ready: connector_id={} issuer={}",
          connectorId,
          ready.metadata().expectedIssuer());
      return ready;
    } finally {
      attempt.unlock();
    }
  }

  /** Why the upstream is not ready, if it is not; for health reporting. */
  @Override
  public Optional<String> problem() {
    if (upstream != null) {
      return Optional.empty();
    }
    String error = lastError;
    return Optional.of(error == null ? "not discovered yet" : error);
  }

  /**
   * The discovered {@code iss} (see {@link Discovery#discover}); empty until discovery succeeds.
   */
  @Override
  public Optional<String> expectedIssuer() {
    Upstream ready = upstream;
    return ready == null ? Optional.empty() : Optional.of(ready.metadata().expectedIssuer());
  }
}
