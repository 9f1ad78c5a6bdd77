package dev.ferry.workload;

/**
 * Why {@code ferry token} failed. Each kind has its own exit status so that a CI step or a script
 * can tell a misconfigured job from a refused one from a network outage.
 */
public enum Failure {
  /**
   * A bug: something unexpected failed. Its line names only the exception's class, never its
   * message, which could quote a token or a secret.
   */
  INTERNAL(1),
  /** The command line or its environment is wrong (picocli's own usage status). */
  USAGE(2),
  /** The platform token could not be obtained, or is expired or malformed. */
  UPSTREAM_TOKEN(3),
  /** The issuer refused the exchange, or answered something that is not Ferry's OAuth. */
  EXCHANGE(4),
  /** The issuer could not be reached. */
  NETWORK(5),
  /** The issued token cannot be rendered as asked (an exec credential needs an expiry). */
  OUTPUT(6);

  private final int exitStatus;

  Failure(int exitStatus) {
    this.exitStatus = exitStatus;
  }

  public int exitStatus() {
    return exitStatus;
  }
}
