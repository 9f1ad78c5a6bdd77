package dev.ferry.storage;

import java.time.Instant;

/** The polling state of a device flow keyed by device code (Dex: storage.DeviceToken). */
public record DeviceToken(
    String deviceCode,
    String status,
    String token,
    Instant expiry,
    Instant lastRequestTime,
    int pollIntervalSeconds,
    Pkce pkce) {
  /**
   * How every backend stores this record; garbage once its expiry passes (Dex: storage/sql/crud.go
   * GarbageCollect).
   */
  public static final Entity<String, DeviceToken> ENTITY =
      Entity.byId("device token", DeviceToken::deviceCode).expiresAt(DeviceToken::expiry);
}
