package dev.ferry.token;

import org.jspecify.annotations.Nullable;

/**
 * A refresh token was refused, or could not be rotated. The reason decides the answer (the grant
 * maps it to Dex's error); the message is for the log and never names the token.
 */
public final class RefreshTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why (Dex: server/tokens/refresh_lookup.go, the Err* sentinels; RefreshStore.Rotate). */
  public enum Reason {
    /** Unknown, or its secret is neither the current one nor a reusable previous one. */
    INVALID,
    /** Issued to another client. */
    CLAIMED_BY_OTHER_CLIENT,
    /** Past {@code absoluteLifetime} or unused for longer than {@code validIfNotUsedFor}. */
    EXPIRED,
    /**
     * Rotation failed after the lookup passed: a concurrent use won, or the offline session no
     * longer names the token.
     */
    NOT_ROTATED,
    /**
     * The connector no longer vouches for the user (an upstream that revoked its refresh token, a
     * deleted local user); the token is left as it was.
     */
    CONNECTOR_REFUSED
  }

  private final Reason reason;

  public RefreshTokenException(Reason reason, String message) {
    this(reason, message, null);
  }

  public RefreshTokenException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
