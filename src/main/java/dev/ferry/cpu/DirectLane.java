package dev.ferry.cpu;

/** {@link CpuLane#direct()}: the caller's own thread. */
enum DirectLane implements CpuLane {
  INSTANCE;

  @Override
  public <T, E extends Exception> T compute(CpuTask<T, E> task) throws E {
    return task.run();
  }
}
