package dev.ferry.workload;

import java.time.Clock;

/** What {@code ferry token} prints ({@code --output}). */
public enum Output {
  /** The bare token and a newline. */
  TOKEN("token"),
  /** The token response's JSON. */
  JSON("json"),
  /** {@code FERRY_TOKEN=...} lines for a shell or a CI environment file. */
  ENV("env"),
  /**
   * A {@code client.authentication.k8s.io/v1} ExecCredential for a kubeconfig {@code exec} user.
   */
  EXEC_CREDENTIAL("exec-credential");

  private final String flag;

  Output(String flag) {
    this.flag = flag;
  }

  public String flag() {
    return flag;
  }

  @Override
  public String toString() {
    return flag;
  }

  /**
   * The text to print for {@code token}, ending in a newline; an exec credential for a token
   * without an expiry is {@link Failure#OUTPUT}.
   */
  @SuppressWarnings("DoNotCallSuggester") // skeleton, filled in by its branch
  public String render(IssuedToken token, Clock clock) throws WorkloadException {
    throw new WorkloadException(Failure.OUTPUT, "not built yet " + token + clock);
  }
}
