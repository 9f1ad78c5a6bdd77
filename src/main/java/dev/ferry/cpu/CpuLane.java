package dev.ferry.cpu;

/**
 * Where CPU-bound work runs: the server's bounded worker pool ({@code http.CpuWorkers}) or, in
 * tests and tools without one, the calling thread ({@link #direct()}).
 *
 * <p>Design note: a request thread may block on the network (upstream discovery, JWKS, userinfo); a
 * worker never should, because the pool is sized to the cores and one blocked worker is a core lost
 * for every connector. So callers do their I/O first, on their own thread, and hand only the pure
 * computation (a signature check, a signing) to the lane. A task must not block on I/O or locks
 * held across I/O.
 */
public interface CpuLane {

  /**
   * Runs {@code task} on the lane and returns its result, with the caller's logging context.
   *
   * @throws CpuBusyException when the lane cannot take the task in time (queue full, deadline)
   * @throws E whatever the task threw
   */
  <T, E extends Exception> T compute(CpuTask<T, E> task) throws E;

  /** A lane that runs every task on the calling thread: for tests, benchmarks and tools. */
  static CpuLane direct() {
    return DirectLane.INSTANCE;
  }

  /** A piece of pure computation. */
  @FunctionalInterface
  interface CpuTask<T, E extends Exception> {
    T run() throws E;
  }
}
