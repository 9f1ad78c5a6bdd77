package dev.ferry.http;

import dev.ferry.cpu.CpuBusyException;
import dev.ferry.cpu.CpuLane;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * A fixed pool of about as many threads as cores for the CPU-heavy part of a request (verifying and
 * signing JWTs). Only computation runs here: network I/O (upstream discovery, JWKS, userinfo) stays
 * on the request thread, bounded per connector, so one hanging upstream cannot occupy the workers
 * every connector needs (see {@link CpuLane}).
 *
 * <p>Design note: signing is the ceiling of the whole exchange, so more threads than cores only
 * time-slice the same work and stretch every request's latency. With the work queued in order on N
 * threads, measured p99 stayed at 18-90 ms where a 200-thread pool reached 40-314 ms and virtual
 * threads over a second (prototype load runs on 2 cores; Ferry's own figures are in
 * docs/benchmarks.md). The queue is bounded and every task has a deadline counted from submission,
 * so an overload is answered at once with {@link CpuBusyException} instead of growing memory and
 * latency without bound. A task that misses its deadline while still queued is cancelled and never
 * runs.
 */
public final class CpuWorkers implements CpuLane, AutoCloseable {
  private final ThreadPoolExecutor pool;
  private final Duration timeout;

  public CpuWorkers(int threads, int queueCapacity, Duration timeout) {
    this(threads, new ArrayBlockingQueue<>(queueCapacity), timeout);
  }

  /** With the given bounded queue; tests observe it to know when a task waits. */
  CpuWorkers(int threads, BlockingQueue<Runnable> queue, Duration timeout) {
    AtomicInteger counter = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            queue,
            r -> {
              Thread t = new Thread(r, "ferry-cpu-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.timeout = timeout;
  }

  public CpuWorkers(HttpServerSettings settings) {
    this(settings.workerThreads(), settings.workerQueueCapacity(), settings.workerTimeout());
  }

  /**
   * Runs {@code task} on a worker and waits for its result. The caller's logging context (request
   * id) travels with the task.
   *
   * @throws CpuBusyException when the queue is full or the deadline passed
   * @throws Exception whatever the task threw
   */
  public <T> T call(Callable<T> task) throws Exception {
    @Nullable Map<String, String> mdc = MDC.getCopyOfContextMap();
    Callable<T> withContext =
        () -> {
          if (mdc != null) {
            MDC.setContextMap(mdc);
          }
          try {
            return task.call();
          } finally {
            MDC.clear();
          }
        };
    Future<T> future;
    try {
      future = pool.submit(withContext);
    } catch (RejectedExecutionException e) {
      throw new CpuBusyException("worker queue full");
    }
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandon(future);
      throw new CpuBusyException("worker deadline exceeded");
    } catch (InterruptedException e) {
      abandon(future);
      Thread.currentThread().interrupt();
      throw new CpuBusyException("interrupted while waiting for a worker");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** {@link CpuLane} view of {@link #call}: the same queue, deadline and exceptions. */
  @Override
  @SuppressWarnings("unchecked") // the task throws only E or unchecked exceptions
  public <T, E extends Exception> T compute(CpuLane.CpuTask<T, E> task) throws E {
    try {
      return call(task::run);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw (E) e;
    }
  }

  /**
   * Cancels a task whose caller gave up. A cancelled task still queued is also taken out of the
   * queue: left there until a worker reaches it, it would hold a slot of the bounded queue and turn
   * new requests away as "queue full" although it will never run.
   */
  private void abandon(Future<?> future) {
    future.cancel(true);
    if (future instanceof Runnable queued) {
      pool.remove(queued);
    }
  }

  /** Stops accepting work; running tasks finish. */
  @Override
  public void close() {
    pool.shutdown();
  }
}
