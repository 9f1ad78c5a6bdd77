package dev.ferry.signer;

import org.jspecify.annotations.Nullable;

/** A token could not be signed (no key yet, storage down at the first rotation, crypto error). */
public final class SigningException extends Exception {
  private static final long serialVersionUID = 1L;

  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
