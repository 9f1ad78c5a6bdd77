package dev.ferry.token;

import java.time.Duration;
import java.time.Instant;

/**
 * How refresh tokens age and rotate, from {@code expiry.refreshTokens} (Dex:
 * server/tokens/refresh_strategy.go RefreshStrategy). A zero duration disables its limit, as in
 * Dex.
 *
 * @param rotate issue a new token on every use (Dex: {@code !disableRotation})
 * @param absoluteLifetime from creation to the end of a token's life
 * @param validIfNotUsedFor from the last use to the end of a token's life
 * @param reuseInterval how long after its last use a token (and the one it replaced) may be used
 *     again without rotating
 */
public record RefreshPolicy(
    boolean rotate, Duration absoluteLifetime, Duration validIfNotUsedFor, Duration reuseInterval) {

  /** Dex's defaults: rotation on, no expiry, no reuse window. */
  public static final RefreshPolicy DEFAULT =
      new RefreshPolicy(true, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /**
   * Past its absolute lifetime, counted from {@code createdAt} (Dex:
   * RefreshStrategy.CompletelyExpired).
   */
  public boolean completelyExpired(Instant createdAt, Instant now) {
    return !absoluteLifetime.isZero() && now.isAfter(createdAt.plus(absoluteLifetime));
  }

  /** Unused for longer than allowed (Dex: RefreshStrategy.ExpiredBecauseUnused). */
  public boolean expiredBecauseUnused(Instant lastUsed, Instant now) {
    return !validIfNotUsedFor.isZero() && now.isAfter(lastUsed.plus(validIfNotUsedFor));
  }

  /**
   * Still inside the reuse window that began at {@code lastUsed}, bounds included (Dex:
   * RefreshStrategy.AllowedToReuse).
   */
  public boolean allowedToReuse(Instant lastUsed, Instant now) {
    return !reuseInterval.isZero() && !now.isAfter(lastUsed.plus(reuseInterval));
  }
}
