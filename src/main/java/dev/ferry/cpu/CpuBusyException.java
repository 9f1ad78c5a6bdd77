package dev.ferry.cpu;

/**
 * The CPU lane could not take a task in time: its queue was full or the task's deadline passed
 * before it ran. Unchecked, so that it crosses connector and signer code untouched up to the
 * endpoint, which answers {@code 503 temporarily_unavailable} as for any overload.
 */
public final class CpuBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CpuBusyException(String message) {
    super(message, null, false, false);
  }
}
