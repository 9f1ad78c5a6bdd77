package dev.ferry.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code expiry.refreshTokens}: Dex's refresh token policy. Each duration is {@link Duration#ZERO}
 * when unset, which Dex treats as "no limit" (Dex: server/refreshhandlers.go, {@code
 * NewRefreshTokenPolicy}).
 *
 * @param disableRotation keep the same refresh token instead of issuing a new one per use
 * @param reuseInterval how long the previous token stays usable after rotation
 * @param absoluteLifetime how long a refresh token lives at most
 * @param validIfNotUsedFor how long an unused refresh token lives
 */
public record RefreshTokensConfig(
    boolean disableRotation,
    Duration reuseInterval,
    Duration absoluteLifetime,
    Duration validIfNotUsedFor) {

  static final RefreshTokensConfig DISABLED = new RefreshTokensConfig(false, null, null, null);

  public RefreshTokensConfig(
      boolean disableRotation,
      @Nullable Duration reuseInterval,
      @Nullable Duration absoluteLifetime,
      @Nullable Duration validIfNotUsedFor) {
    this.disableRotation = disableRotation;
    this.reuseInterval = Defaults.orElse(reuseInterval, Duration.ZERO);
    this.absoluteLifetime = Defaults.orElse(absoluteLifetime, Duration.ZERO);
    this.validIfNotUsedFor = Defaults.orElse(validIfNotUsedFor, Duration.ZERO);
  }
}
