package dev.ferry.server;

import org.jspecify.annotations.Nullable;

/** Ferry cannot start; the message says why in one line, for the operator. */
public final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
