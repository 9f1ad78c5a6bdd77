package dev.ferry.oauth2;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A protocol error raised anywhere below the endpoints and rendered once, by the HTTP layer, as
 * {@code {"error": ..., "error_description": ...}}. The description is sent to the client; the
 * cause never is (it is logged).
 */
public final class OAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final OAuthError error;
  private final @Nullable String description;
  private final int status;
  private final @Nullable String wwwAuthenticate;

  public OAuthException(OAuthError error, @Nullable String description) {
    this(error, description, error.status(), null, null);
  }

  public OAuthException(OAuthError error, @Nullable String description, @Nullable Throwable cause) {
    this(error, description, error.status(), null, cause);
  }

  private OAuthException(
      OAuthError error,
      @Nullable String description,
      int status,
      @Nullable String wwwAuthenticate,
      @Nullable Throwable cause) {
    super(error.code() + (description == null ? "" : ": " + description), cause, false, false);
    this.error = error;
    this.description = description;
    this.status = status;
    this.wwwAuthenticate = wwwAuthenticate;
  }

  /** An error without description, as Dex sends {@code {"error":"access_denied"}}. */
  public static OAuthException of(OAuthError error) {
    return new OAuthException(error, null);
  }

  /** The same error answered with another HTTP status (e.g. userinfo's 403 access_denied). */
  public OAuthException withStatus(int newStatus) {
    return new OAuthException(error, description, newStatus, wwwAuthenticate, getCause());
  }

  /** The same error with a {@code WWW-Authenticate} response header. */
  public OAuthException withWwwAuthenticate(String value) {
    return new OAuthException(error, description, status, value, getCause());
  }

  public OAuthError error() {
    return error;
  }

  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  public int status() {
    return status;
  }

  public Optional<String> wwwAuthenticate() {
    return Optional.ofNullable(wwwAuthenticate);
  }

  /**
   * A client-supplied value in single quotes, as an {@code error_description} may carry it: RFC
   * 6749 §5.2 allows only printable ASCII without {@code "} and {@code \}, so any other character
   * shows as {@code ?} (clients such as Nimbus drop a description that breaks the rule).
   */
  public static String quoted(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
    value
        .codePoints()
        .forEach(c -> out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? (char) c : '?'));
    return out.append('\'').toString();
  }
}
