package dev.ferry.connector;

import org.jspecify.annotations.Nullable;

/**
 * An upstream token or login could not be turned into an identity. The message says why, for the
 * log; endpoints answer with a generic {@code access_denied}. Not final only for {@link
 * PasswordCheckBusyException}, which endpoints answer differently.
 */
public class IdentityException extends Exception {
  private static final long serialVersionUID = 1L;

  public IdentityException(String message) {
    super(message);
  }

  public IdentityException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
