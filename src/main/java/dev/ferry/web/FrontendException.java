package dev.ferry.web;

/**
 * The frontend cannot be served as configured: a missing theme, a Dex-format template, an
 * unreadable file or a template that does not compile. The message names the file or setting.
 */
public final class FrontendException extends Exception {
  private static final long serialVersionUID = 1L;

  public FrontendException(String message) {
    super(message);
  }

  public FrontendException(String message, Throwable cause) {
    super(message, cause);
  }
}
