package dev.ferry.config;

import org.jspecify.annotations.Nullable;

/**
 * The {@code telemetry} section: the separate listener for {@code /metrics} and health checks.
 *
 * @param http listen address ({@code host:port}), or "" for no telemetry listener
 * @param enableProfiling Dex serves Go's pprof handlers when set
 */
public record TelemetryConfig(String http, boolean enableProfiling) {
  public TelemetryConfig(@Nullable String http, boolean enableProfiling) {
    this.http = Defaults.str(http);
    this.enableProfiling = enableProfiling;
  }

  static TelemetryConfig empty() {
    return new TelemetryConfig("", false);
  }
}
