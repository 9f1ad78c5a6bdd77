package dev.ferry.connector.upstream;

import dev.ferry.connector.IdentityException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One connector's bound on the requests that are waiting for its upstream (discovery, JWKS,
 * userinfo, a provider API): at most {@code maxConcurrent} such calls run, at most {@code
 * maxWaiting} more wait for a turn, and no caller waits longer than {@code deadline} in all.
 *
 * <p>Design note: without this, a hanging upstream holds one request thread per request sent to its
 * connector until the HTTP timeout, and enough of them starve every other connector of request
 * threads. With it, a slow upstream costs at most {@code maxConcurrent + maxWaiting} request
 * threads, each for at most {@code deadline}; the rest of that connector's requests fail at once.
 * Every call runs on its own virtual thread while the caller waits with the deadline: a call stuck
 * past the deadline (inside a lock of the JWKS cache, say) keeps its slot until the upstream HTTP
 * timeout ends it, so the bound on concurrent upstream calls holds, but the caller is answered on
 * time. A refusal is an {@link IdentityException}, so the token endpoint answers it like any failed
 * verification: {@code 401 access_denied}, the reason logged only (Dex: server/handlers.go
 * handleTokenExchange).
 */
public final class UpstreamBulkhead {

  /**
   * The bulkhead's sizes.
   *
   * @param maxConcurrent upstream calls of one connector in flight at once
   * @param maxWaiting callers that may wait for one of those slots; more are refused at once
   * @param deadline longest a caller waits for a slot and its call together
   */
  public record Limits(int maxConcurrent, int maxWaiting, Duration deadline) {
    public Limits {
      if (maxConcurrent < 1 || maxWaiting < 0) {
        throw new IllegalArgumentException("maxConcurrent must be positive, maxWaiting >= 0");
      }
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be positive");
      }
    }

    /**
     * 32 calls in flight and 64 waiting per connector, 12 s in all: room for the upstream HTTP
     * client's own 10 s deadline, and far more concurrency than one healthy upstream needs, since
     * JWKS and discovery answers are cached.
     */
    public static Limits defaults() {
      return new Limits(32, 64, Duration.ofSeconds(12));
    }
  }

  /** Work that may block on the upstream. */
  @FunctionalInterface
  public interface Call<T, E extends Exception> {
    T run() throws E;
  }

  private final String connectorId;
  private final Limits limits;
  private final Semaphore slots;
  private final AtomicInteger waiting = new AtomicInteger();

  public UpstreamBulkhead(String connectorId, Limits limits) {
    this.connectorId = connectorId;
    this.limits = limits;
    this.slots = new Semaphore(limits.maxConcurrent(), true);
  }

  /**
   * Runs {@code call} within the bulkhead.
   *
   * @throws E what the call threw
   * @throws IdentityException why the call was refused (full, deadline passed)
   */
  @SuppressWarnings("unchecked") // the call throws only E or unchecked exceptions
  public <T, E extends Exception> T call(Call<T, E> call) throws E, IdentityException {
    long deadline = System.nanoTime() + limits.deadline().toNanos();
    acquire(deadline);
    @Nullable Map<String, String> mdc = MDC.getCopyOfContextMap();
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("ferry-upstream-" + connectorId)
        .start(() -> {
          if (mdc != null) {
            MDC.setContextMap(mdc);
          }
          // The slot is free before the caller hears back: a caller that got its answer and
          // calls again must find the slot it just used released.
          T value = null;
          Throwable failure = null;
          try {
            value = call.run();
          } catch (Throwable t) {
            failure = t;
          } finally {
            slots.release();
            MDC.clear();
          }
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            result.complete(value);
          }
        });
    try {
      return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.cancel(false);
      throw refused("deadline of " + limits.deadline().toMillis() + " ms exceeded");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw refused("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IdentityException identity) {
        throw identity;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw (E) cause;
    }
  }

  private void acquire(long deadline) throws IdentityException {
    if (slots.tryAcquire()) {
      return;
    }
    if (waiting.incrementAndGet() > limits.maxWaiting()) {
      waiting.decrementAndGet();
      throw refused(
          limits.maxConcurrent() + " calls in flight and " + limits.maxWaiting() + " waiting");
    }
    try {
      if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw refused("no upstream slot within " + limits.deadline().toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw refused("interrupted");
    } finally {
      waiting.decrementAndGet();
    }
  }

  private IdentityException refused(String why) {
    return new IdentityException(
        "upstream of connector " + connectorId + " is busy, request refused: " + why);
  }
}
