package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.cpu.CpuBusyException;
import dev.ferry.cpu.CpuLane;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The bounded CPU pool: results, exceptions, context, refusal when full, deadline. */
class CpuWorkersTest {

  @Test
  void runsTasksAndCarriesTheLoggingContext() throws Exception {
    try (CpuWorkers workers = new CpuWorkers(2, 4, Duration.ofSeconds(5))) {
      MDC.put("request_id", "r-1");
      try {
        assertThat(
                workers.call(() -> MDC.get("request_id") + "@" + Thread.currentThread().getName()))
            .startsWith("r-1@ferry-cpu-");
      } finally {
        MDC.remove("request_id");
      }
    }
  }

  @Test
  void taskExceptionsPropagateUnchanged() throws Exception {
    try (CpuWorkers workers = new CpuWorkers(1, 1, Duration.ofSeconds(5))) {
      assertThatThrownBy(() ->
              workers.call(() -> {
                throw new IOException("upstream");
              }))
          .isInstanceOf(IOException.class)
          .hasMessage("upstream");
      assertThatThrownBy(() ->
              workers.call(() -> {
                throw new IllegalStateException("bug");
              }))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void theDeadlineCoversQueueingAndRunning() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try (CpuWorkers workers = new CpuWorkers(1, 1, Duration.ofMillis(300))) {
      Future<Boolean> busy =
          callers.submit(() ->
              workers.call(() -> {
                started.countDown();
                return awaitIgnoringInterrupts(release);
              }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Future<String> queued = callers.submit(() -> workers.call(() -> "queued"));
      assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(CpuBusyException.class);
      assertThatThrownBy(() -> busy.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(CpuBusyException.class);
      release.countDown();
      // The expired queued task never runs; the pool serves new work.
      assertThat(workers.call(() -> "again")).isEqualTo("again");
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void aTaskThatMissedItsDeadlineInTheQueueFreesItsSlotAtOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean expiredOnce = new AtomicBoolean();
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(3);
    CountDownLatch queuedNext = new CountDownLatch(1);
    BlockingQueue<Runnable> queue =
        new ArrayBlockingQueue<>(1) {
          @Override
          public boolean offer(Runnable task) {
            boolean accepted = super.offer(task);
            if (accepted && started.getCount() == 0 && expiredOnce.get()) {
              queuedNext.countDown();
            }
            return accepted;
          }
        };
    try (CpuWorkers workers = new CpuWorkers(1, queue, Duration.ofMillis(300))) {
      // Only occupies the worker; what becomes of it is not what this test is about.
      var unusedBusy =
          callers.submit(() ->
              workers.call(() -> {
                started.countDown();
                return awaitIgnoringInterrupts(release);
              }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      // Times out in the queue while the only worker is busy.
      Future<String> expired = callers.submit(() -> workers.call(() -> "never"));
      assertThatThrownBy(() -> expired.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(CpuBusyException.class);
      expiredOnce.set(true);
      // The worker is still busy, but the queue slot is free again: a new task is queued, not
      // refused as "worker queue full", and runs once the worker is released.
      Future<String> next = callers.submit(() -> workers.call(() -> "next"));
      assertThat(queuedNext.await(10, TimeUnit.SECONDS))
          .as("queued while the worker is busy")
          .isTrue();
      release.countDown();
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("next");
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  /** A CPU-bound task does not notice interrupts; this one stops only when released (bounded). */
  private static boolean awaitIgnoringInterrupts(CountDownLatch latch) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        if (latch.await(100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      } catch (InterruptedException e) {
        // keep going, like a signing loop would
      }
    }
    return false;
  }

  @Test
  void refusesAtOnceWhenTheQueueIsFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(3);
    try (CpuWorkers workers = new CpuWorkers(1, 1, Duration.ofSeconds(10))) {
      Future<Boolean> busy =
          callers.submit(() ->
              workers.call(() -> {
                started.countDown();
                return release.await(10, TimeUnit.SECONDS);
              }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      CompletionService<String> done = new ExecutorCompletionService<>(callers);
      done.submit(() -> workers.call(() -> "ran"));
      done.submit(() -> workers.call(() -> "ran"));
      // One of the two fills the queue; the other is refused without waiting for the deadline.
      Future<String> first = done.poll(5, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThatThrownBy(first::get).hasCauseInstanceOf(CpuBusyException.class);
      release.countDown();
      Future<String> second = done.poll(10, TimeUnit.SECONDS);
      assertThat(second).isNotNull();
      assertThat(second.get()).isEqualTo("ran");
      assertThat(busy.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }

  @Test
  void asACpuLaneItReportsSaturationUncheckedAndPassesTaskExceptionsThrough() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    ExecutorService callers = Executors.newSingleThreadExecutor();
    // No queue at all: while the only worker is busy, every other task is refused at once.
    try (CpuWorkers workers = new CpuWorkers(1, new SynchronousQueue<>(), Duration.ofSeconds(10))) {
      CpuLane lane = workers;
      assertThatThrownBy(() ->
              lane.compute(() -> {
                throw new IOException("bad signature");
              }))
          .isInstanceOf(IOException.class)
          .hasMessage("bad signature");
      Future<Boolean> busy =
          callers.submit(() ->
              lane.compute(() -> {
                started.countDown();
                return release.await(10, TimeUnit.SECONDS);
              }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> lane.compute(() -> true))
          .isInstanceOf(CpuBusyException.class)
          .hasMessage("worker queue full");
      release.countDown();
      assertThat(busy.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      release.countDown();
      callers.shutdownNow();
    }
  }
}
