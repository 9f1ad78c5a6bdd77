package dev.ferry.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The {@code expiry} section, with Dex's defaults (Dex: cmd/dex/serve.go, server.go).
 *
 * @param signingKeys deprecated rotation period, used only when {@code signer} is unset; 6h
 * @param idTokens lifetime of ID and access tokens, token exchange included; 24h
 * @param authRequests lifetime of an unfinished login; 24h
 * @param deviceRequests lifetime of a device-flow user code; 5m
 */
public record ExpiryConfig(
    Duration signingKeys,
    Duration idTokens,
    Duration authRequests,
    Duration deviceRequests,
    RefreshTokensConfig refreshTokens) {

  public static final Duration DEFAULT_SIGNING_KEYS = Duration.ofHours(6);
  public static final Duration DEFAULT_ID_TOKENS = Duration.ofHours(24);
  public static final Duration DEFAULT_AUTH_REQUESTS = Duration.ofHours(24);
  public static final Duration DEFAULT_DEVICE_REQUESTS = Duration.ofMinutes(5);

  /** An empty string or an absent key means the default, as in Dex. */
  public ExpiryConfig(
      @Nullable Duration signingKeys,
      @Nullable Duration idTokens,
      @Nullable Duration authRequests,
      @Nullable Duration deviceRequests,
      @Nullable RefreshTokensConfig refreshTokens) {
    this.signingKeys = Defaults.orElse(signingKeys, DEFAULT_SIGNING_KEYS);
    this.idTokens = Defaults.orElse(idTokens, DEFAULT_ID_TOKENS);
    this.authRequests = Defaults.orElse(authRequests, DEFAULT_AUTH_REQUESTS);
    this.deviceRequests = Defaults.orElse(deviceRequests, DEFAULT_DEVICE_REQUESTS);
    this.refreshTokens = Defaults.orElse(refreshTokens, RefreshTokensConfig.DISABLED);
  }

  static ExpiryConfig defaults() {
    return new ExpiryConfig(null, null, null, null, null);
  }
}
