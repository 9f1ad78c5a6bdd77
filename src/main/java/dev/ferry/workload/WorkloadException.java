package dev.ferry.workload;

/**
 * A failure of {@code ferry token}, whose message is the one line printed after {@code error: }.
 * The message never contains a token or a secret.
 */
public final class WorkloadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Failure failure;

  public WorkloadException(Failure failure, String message) {
    super(message);
    this.failure = failure;
  }

  public WorkloadException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = failure;
  }

  public Failure failure() {
    return failure;
  }
}
