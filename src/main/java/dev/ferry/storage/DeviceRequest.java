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

  public DeviceRequest {
    scopes = List.copyOf(scopes);
  }
}
