package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code sessions} section (Dex HEAD, behind the {@code DEX_SESSIONS_ENABLED} flag): browser
 * sessions kept server-side and referenced by a cookie.
 *
 * @param cookieName default {@code dex_session}
 * @param absoluteLifetime default 24h
 * @param validIfNotUsedFor idle timeout, default 1h
 * @param cookieEncryptionKey AES key of 16, 24 or 32 bytes, or "" for unencrypted cookies; a
 *     secret, left out of {@link #toString()}
 * @param ssoSharedWithDefault {@code none} (default) or {@code all}
 */
public record SessionsConfig(
    String cookieName,
    Duration absoluteLifetime,
    Duration validIfNotUsedFor,
    boolean rememberMeCheckedByDefault,
    String cookieEncryptionKey,
    String ssoSharedWithDefault) {

  public static final List<String> SSO_SHARED_WITH_DEFAULTS = List.of("none", "all");

  public SessionsConfig(
      @Nullable String cookieName,
      @Nullable Duration absoluteLifetime,
      @Nullable Duration validIfNotUsedFor,
      boolean rememberMeCheckedByDefault,
      @Nullable String cookieEncryptionKey,
      @Nullable String ssoSharedWithDefault) {
    this.cookieName = Defaults.str(cookieName, "dex_session");
    this.absoluteLifetime = Defaults.orElse(absoluteLifetime, Duration.ofHours(24));
    this.validIfNotUsedFor = Defaults.orElse(validIfNotUsedFor, Duration.ofHours(1));
    this.rememberMeCheckedByDefault = rememberMeCheckedByDefault;
    this.cookieEncryptionKey = Defaults.str(cookieEncryptionKey);
    this.ssoSharedWithDefault = Defaults.str(ssoSharedWithDefault, "none");
  }

  @Override
  public String toString() {
    return "SessionsConfig[cookieName="
        + cookieName
        + ", absoluteLifetime="
        + absoluteLifetime
        + ", validIfNotUsedFor="
        + validIfNotUsedFor
        + "]";
  }
}
