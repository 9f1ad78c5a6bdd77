package dev.ferry.connector.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.IdentityException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-connector bound on upstream calls: slots, waiters, the caller's deadline, errors. */
class UpstreamBulkheadTest {

  @Test
  void refusesAtOnceWhenEverySlotAndWaitingPlaceIsTaken() throws Exception {
    UpstreamBulkhead bulkhead =
        new UpstreamBulkhead("a", new UpstreamBulkhead.Limits(1, 0, Duration.ofSeconds(30)));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService callers = Executors.newSingleThreadExecutor();
    try {
      Future<String> holding =
          callers.submit(() ->
              bulkhead.call(() -> {
                entered.countDown();
                release.await(20, TimeUnit.SECONDS);
                return "held";
              }));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> bulkhead.call(() -> "second"))
          .isInstanceOf(IdentityException.class)
          .hasMessage(
              "upstream of connector a is busy, request refused: 1 calls in flight and 0 waiting");
      release.countDown();
      assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo("held");
      assertThat(bulkhead.call(() -> "third")).isEqualTo("third");
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void aCallPastTheDeadlineAnswersItsCallerButKeepsItsSlotUntilItEnds() throws Exception {
    UpstreamBulkhead bulkhead =
        new UpstreamBulkhead("a", new UpstreamBulkhead.Limits(1, 1, Duration.ofMillis(300)));
    CountDownLatch release = new CountDownLatch(1);
    try {
      assertThatThrownBy(() ->
              bulkhead.call(() -> {
                release.await(20, TimeUnit.SECONDS);
                return "late";
              }))
          .isInstanceOf(IdentityException.class)
          .hasMessageEndingWith("deadline of 300 ms exceeded");
      // The abandoned call still runs, so the upstream sees no more than one call: a waiter gets
      // no slot before its own deadline.
      assertThatThrownBy(() -> bulkhead.call(() -> "waiting"))
          .isInstanceOf(IdentityException.class)
          .hasMessageEndingWith("no upstream slot within 300 ms");
      release.countDown();
      String result = "";
      for (int attempt = 0; attempt < 20 && result.isEmpty(); attempt++) {
        try {
          result = bulkhead.call(() -> "free again");
        } catch (IdentityException e) {
          // the released call has not returned its slot yet
        }
      }
      assertThat(result).isEqualTo("free again");
    } finally {
      release.countDown();
    }
  }

  @Test
  void theCallsOwnFailuresPassThroughUnchanged() {
    UpstreamBulkhead bulkhead = new UpstreamBulkhead("a", UpstreamBulkhead.Limits.defaults());
    assertThatThrownBy(() ->
            bulkhead.call(() -> {
              throw new IOException("GET /keys answered HTTP 500");
            }))
        .isInstanceOf(IOException.class)
        .hasMessage("GET /keys answered HTTP 500");
    assertThatThrownBy(() ->
            bulkhead.call(() -> {
              throw new IdentityException("oidc: bad token");
            }))
        .isInstanceOf(IdentityException.class)
        .hasMessage("oidc: bad token");
    assertThatThrownBy(() ->
            bulkhead.call(() -> {
              throw new IllegalStateException("bug");
            }))
        .isInstanceOf(IllegalStateException.class);
  }
}
