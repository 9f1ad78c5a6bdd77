package dev.ferry.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RefreshLocksTest {

  @Test
  void entriesLiveOnlyWhileHeldOrAwaited() throws Exception {
    RefreshLocks locks = new RefreshLocks(Duration.ofSeconds(10));
    for (int i = 0; i < 1000; i++) {
      try (RefreshLocks.Held held = locks.acquire("token-" + i)) {
        assertThat(locks.size()).isEqualTo(1);
      }
    }
    assertThat(locks.size()).isZero();
  }

  @Test
  void aWaiterGetsTheLockWhenTheHolderReleasesIt() throws Exception {
    RefreshLocks locks = new RefreshLocks(Duration.ofSeconds(10));
    RefreshLocks.Held held = locks.acquire("a");
    // Another id is not blocked.
    locks.acquire("b").close();
    CompletableFuture<Void> waiter =
        CompletableFuture.runAsync(() -> {
          try {
            locks.acquire("a").close();
          } catch (RefreshTokenException e) {
            throw new AssertionError(e);
          }
        });
    assertThat(waiter).isNotDone();
    held.close();
    waiter.get(10, TimeUnit.SECONDS);
    assertThat(locks.size()).isZero();
  }

  @Test
  void theWaitIsBounded() throws Exception {
    RefreshLocks locks = new RefreshLocks(Duration.ofMillis(50));
    try (RefreshLocks.Held held = locks.acquire("a")) {
      CompletableFuture<Throwable> waiter =
          CompletableFuture.supplyAsync(() -> {
            try {
              locks.acquire("a").close();
              return new AssertionError("acquired a held lock");
            } catch (RefreshTokenException e) {
              return e;
            }
          });
      Throwable refused = waiter.get(10, TimeUnit.SECONDS);
      assertThat(refused)
          .isInstanceOfSatisfying(
              RefreshTokenException.class,
              e -> assertThat(e.reason()).isEqualTo(RefreshTokenException.Reason.NOT_ROTATED));
      assertThat(locks.size()).isEqualTo(1);
    }
    assertThat(locks.size()).isZero();
  }
}
