package dev.ferry.connector.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The bound on password hashing: at most {@code maxConcurrent} bcrypt comparisons run at once, at
 * most {@code maxWaiting} more callers wait for a turn, and none waits longer than {@code maxWait}.
 * A caller beyond that is refused at once.
 *
 * <p>Design: a bcrypt comparison at Dex's minimum cost burns tens of milliseconds of one core. It
 * runs on the request thread that asked (Jetty's pool, never the CPU workers that sign and verify
 * tokens), and this semaphore caps how many cores all logins together can take, so 10,000 failed
 * attempts cost at most {@code maxConcurrent} cores for their duration and leave the rest of the
 * server its CPU; the waiting bound caps the request threads they hold. The connector answers a
 * refused check with {@link dev.ferry.connector.PasswordCheckBusyException} (a {@code 503}, never a
 * "wrong password"; see {@link LocalPasswordConnector}).
 *
 * <p>Fairness: turns are handed out first come, first served; a newcomer never takes a free turn
 * ahead of a caller already waiting. So during a flood a person's login that got into the waiting
 * room is served in its order, and one refused is told to retry, not that the password is wrong.
 * Callers are not told apart by origin: a flood that keeps the waiting room full still gets most
 * turns (there is no per-address quota; put a rate limit in front of Ferry for that).
 */
public final class PasswordCheckLimiter {

  /**
   * The limiter's sizes.
   *
   * @param maxConcurrent bcrypt comparisons at once
   * @param maxWaiting callers that may wait for a turn; more are refused at once
   * @param maxWait longest a caller waits for a turn
   */
  public record Limits(int maxConcurrent, int maxWaiting, Duration maxWait) {
    public Limits {
      if (maxConcurrent < 1 || maxWaiting < 0) {
        throw new IllegalArgumentException("maxConcurrent must be positive, maxWaiting >= 0");
      }
      if (maxWait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative");
      }
    }

    /**
     * Half the cores (at least one) hash at once, 32 callers wait at most 2 s: a person's login
     * waits a moment under load, a flood is refused without holding request threads.
     */
    public static Limits defaults() {
      return new Limits(
          Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 32, Duration.ofSeconds(2));
    }
  }

  private final Limits limits;
  private final Semaphore turns;
  private final AtomicInteger waiting = new AtomicInteger();

  public PasswordCheckLimiter(Limits limits) {
    this.limits = limits;
    this.turns = new Semaphore(limits.maxConcurrent(), true);
  }

  /**
   * Runs {@code check} on this thread once it has a turn.
   *
   * @return the check's answer, or empty when no turn was free within the limits
   */
  Optional<Boolean> run(BooleanSupplier check) {
    if (!acquire()) {
      return Optional.empty();
    }
    try {
      return Optional.of(check.getAsBoolean());
    } finally {
      turns.release();
    }
  }

  /** Callers waiting for a turn now. */
  int waiting() {
    return waiting.get();
  }

  private boolean acquire() {
    try {
      // Timed, even with no wait: the untimed tryAcquire barges past the callers already waiting.
      if (turns.tryAcquire(0, TimeUnit.NANOSECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (waiting.incrementAndGet() > limits.maxWaiting()) {
      waiting.decrementAndGet();
      return false;
    }
    try {
      return turns.tryAcquire(limits.maxWait().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiting.decrementAndGet();
    }
  }
}
