package dev.ferry.connector.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bound on concurrent password hashing. */
class PasswordCheckLimiterTest {

  @Test
  void tenThousandAttemptsFromManyThreadsNeverHashMoreThanTheBoundAtOnce() throws Exception {
    PasswordCheckLimiter limiter =
        new PasswordCheckLimiter(new PasswordCheckLimiter.Limits(2, 4, Duration.ofSeconds(5)));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService attackers = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> attempts = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        attempts.add(
            attackers.submit(() -> {
              Optional<Boolean> answer =
                  limiter.run(() -> {
                    int now = running.incrementAndGet();
                    mostAtOnce.accumulateAndGet(now, Math::max);
                    Thread.onSpinWait();
                    running.decrementAndGet();
                    ran.incrementAndGet();
                    return false;
                  });
              if (answer.isEmpty()) {
                refused.incrementAndGet();
              }
            }));
      }
      for (Future<?> attempt : attempts) {
        attempt.get(30, TimeUnit.SECONDS);
      }
    } finally {
      attackers.shutdownNow();
    }
    assertThat(mostAtOnce.get()).isBetween(1, 2);
    assertThat(ran.get() + refused.get()).isEqualTo(10_000);
  }

  @Test
  void aWaitingCallerGetsTheTurnThatIsReleasedAndOneMoreIsRefusedAtOnce() throws Exception {
    PasswordCheckLimiter limiter =
        new PasswordCheckLimiter(new PasswordCheckLimiter.Limits(1, 1, Duration.ofSeconds(30)));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Optional<Boolean>> holder =
          threads.submit(() ->
              limiter.run(() -> {
                holding.countDown();
                await(release);
                return true;
              }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      Future<Optional<Boolean>> waiter = threads.submit(() -> limiter.run(() -> true));
      while (limiter.waiting() < 1) {
        Thread.onSpinWait();
      }

      // The waiting room (one place) is full: refused without waiting.
      assertThat(limiter.run(() -> true)).isEmpty();
      assertThat(waiter.isDone()).isFalse();

      release.countDown();
      assertThat(holder.get(10, TimeUnit.SECONDS)).contains(true);
      assertThat(waiter.get(10, TimeUnit.SECONDS)).contains(true);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void aCallerThatWaitsPastMaxWaitIsRefused() throws Exception {
    PasswordCheckLimiter limiter =
        new PasswordCheckLimiter(new PasswordCheckLimiter.Limits(1, 5, Duration.ofMillis(50)));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      var unused =
          other.submit(() ->
              limiter.run(() -> {
                holding.countDown();
                await(release);
                return true;
              }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(limiter.run(() -> true)).isEmpty();
    } finally {
      release.countDown();
      other.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
