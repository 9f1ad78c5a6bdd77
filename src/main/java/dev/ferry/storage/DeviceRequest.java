package dev.ferry.storage;

import java.time.Instant;
import java.util.List;

/** A device authorization request keyed by user code (Dex: storage.DeviceRequest). */
public record DeviceRequest(
    String userCode,
    String deviceCode,
    String clientId,
    String clientSecret,
    List<String> scopes,
    Instant expiry) {
  /**
   * How every backend stores this record; garbage once its expiry passes (Dex: storage/sql/crud.go
   * GarbageCollect).
   */
  public static final Entity<String, DeviceRequest> ENTITY =
      Entity.byId("device request", DeviceRequest::userCode).expiresAt(DeviceRequest::expiry);

  public DeviceRequest {
    scopes = List.copyOf(scopes);
  }
}
