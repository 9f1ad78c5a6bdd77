package dev.ferry.workload;

/** The grant {@code ferry token} uses ({@code --grant}). */
public enum Grant {
  /** RFC 8693: the platform token is the {@code subject_token}. */
  TOKEN_EXCHANGE("token-exchange"),
  /** RFC 7523 section 2.1: the platform token is the {@code assertion}. */
  JWT_BEARER("jwt-bearer"),
  /** RFC 6749 section 4.4, with a secret or (with {@code --federated}) the platform token. */
  CLIENT_CREDENTIALS("client-credentials");

  private final String flag;

  Grant(String flag) {
    this.flag = flag;
  }

  /** The {@code --grant} value. */
  public String flag() {
    return flag;
  }

  @Override
  public String toString() {
    return flag;
  }
}
