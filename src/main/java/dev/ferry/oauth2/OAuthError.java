package dev.ferry.oauth2;

/**
 * The catalogue of OAuth 2.0 error codes Ferry returns, each with the HTTP status Dex uses for it
 * by default (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 8707 §2, RFC 8628 §3.5). A few Dex responses use
 * another status for the same code; {@link OAuthException#withStatus(int)} covers those.
 */
public enum OAuthError {
  INVALID_REQUEST("invalid_request", 400),
  INVALID_CLIENT("invalid_client", 401),
  INVALID_GRANT("invalid_grant", 400),
  INVALID_SCOPE("invalid_scope", 400),
  UNAUTHORIZED_CLIENT("unauthorized_client", 400),
  UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
  UNSUPPORTED_RESPONSE_TYPE("unsupported_response_type", 400),
  REQUEST_NOT_SUPPORTED("request_not_supported", 400),
  /** OpenID Connect Core §3.1.2.6: {@code prompt=none} and a page would be needed. */
  INTERACTION_REQUIRED("interaction_required", 400),
  /** OpenID Connect Core §3.1.2.6: {@code prompt=none} and the user is not logged in. */
  LOGIN_REQUIRED("login_required", 400),
  /** RFC 8693 §2.2.2, RFC 8707 §2: the server will not issue a token for the target asked for. */
  INVALID_TARGET("invalid_target", 400),
  ACCESS_DENIED("access_denied", 401),
  SERVER_ERROR("server_error", 500),
  TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503),
  AUTHORIZATION_PENDING("authorization_pending", 400),
  SLOW_DOWN("slow_down", 400),
  EXPIRED_TOKEN("expired_token", 400);

  private final String code;
  private final int status;

  OAuthError(String code, int status) {
    this.code = code;
    this.status = status;
  }

  /** The wire value of the {@code error} member. */
  public String code() {
    return code;
  }

  /** The HTTP status Dex answers this error with unless a handler says otherwise. */
  public int status() {
    return status;
  }
}
