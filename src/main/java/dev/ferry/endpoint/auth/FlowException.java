package dev.ferry.endpoint.auth;

import dev.ferry.oauth2.OAuthError;

/**
 * A step of the login flow that cannot go on. RFC 6749 §4.1.2.1 decides which kind: before the
 * client and its {@code redirect_uri} are known to be genuine the user sees an error page ({@link
 * Shown}); after, the error goes back to the client ({@link Redirected}). Dex's two types (Dex:
 * server/authflow/request.go displayedAuthErr, redirectedAuthErr). {@link AuthFlow#render} renders
 * both; the message is shown or sent, so it never carries internal detail.
 */
abstract sealed class FlowException extends RuntimeException
    permits FlowException.Shown, FlowException.Redirected {
  private static final long serialVersionUID = 1L;

  private FlowException(String message) {
    super(message, null, false, false);
  }

  /** An error page with this status and text (Dex: renderError). */
  static final class Shown extends FlowException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Shown(int status, String message) {
      super(message);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /**
   * A {@code 303} to the client's {@code redirect_uri} with {@code error}, {@code
   * error_description} (when not empty) and {@code state}.
   */
  static final class Redirected extends FlowException {
    private static final long serialVersionUID = 1L;
    private final String redirectUri;
    private final String state;
    private final OAuthError error;

    Redirected(String redirectUri, String state, OAuthError error, String description) {
      super(description);
      this.redirectUri = redirectUri;
      this.state = state;
      this.error = error;
    }

    String redirectUri() {
      return redirectUri;
    }

    String state() {
      return state;
    }

    OAuthError error() {
      return error;
    }

    String description() {
      return String.valueOf(getMessage());
    }
  }
}
