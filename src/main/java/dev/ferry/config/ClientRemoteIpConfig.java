package dev.ferry.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code web.clientRemoteIP}: take the client's address from {@code header}, but only when the peer
 * is inside one of {@code trustedProxies} (CIDRs or single addresses).
 */
public record ClientRemoteIpConfig(String header, List<String> trustedProxies) {
  static final ClientRemoteIpConfig NONE = new ClientRemoteIpConfig(null, null);

  public ClientRemoteIpConfig(@Nullable String header, @Nullable List<String> trustedProxies) {
    this.header = Defaults.str(header);
    this.trustedProxies = Defaults.strings(trustedProxies);
  }
}
