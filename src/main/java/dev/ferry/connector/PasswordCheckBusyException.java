package dev.ferry.connector;

/**
 * A password could not be checked because too many checks are running or waiting (the bound on
 * bcrypt work is saturated, typically by a flood of guesses): neither a wrong password nor a broken
 * connector. Endpoints answer it as an overload, {@code 503} with {@code Retry-After}, so a person
 * with the right password is told to try again in a moment instead of being told the password is
 * wrong.
 */
public final class PasswordCheckBusyException extends IdentityException {
  private static final long serialVersionUID = 1L;

  /** Seconds a client should wait before trying again. */
  public static final int RETRY_AFTER_SECONDS = 1;

  public PasswordCheckBusyException(String message) {
    super(message);
  }
}
