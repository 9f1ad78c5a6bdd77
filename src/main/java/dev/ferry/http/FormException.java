package dev.ferry.http;

/**
 * A request body or query string that Go's {@code Request.ParseForm} would reject: a bad
 * percent-escape, a semicolon separator, a malformed content type, or a body over the limit. Dex
 * answers all of these with a bare {@code 400 invalid_request}.
 */
public final class FormException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean tooLarge;

  public FormException(String message, boolean tooLarge) {
    super(message, null, false, false);
    this.tooLarge = tooLarge;
  }

  /** Whether the body exceeded the size limit (as opposed to being malformed). */
  public boolean tooLarge() {
    return tooLarge;
  }
}
