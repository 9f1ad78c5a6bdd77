package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The {@code grpc} section: Dex's admin API listener. {@code tlsClientCa} turns on mutual TLS;
 * without it the API gives full administrative access to whoever reaches it.
 */
public record GrpcConfig(
    String addr,
    String tlsCert,
    String tlsKey,
    @JsonProperty("tlsClientCA") String tlsClientCa,
    String tlsMinVersion,
    String tlsMaxVersion,
    boolean reflection) {

  public GrpcConfig(
      @Nullable String addr,
      @Nullable String tlsCert,
      @Nullable String tlsKey,
      @JsonProperty("tlsClientCA") @Nullable String tlsClientCa,
      @Nullable String tlsMinVersion,
      @Nullable String tlsMaxVersion,
      boolean reflection) {
    this.addr = Defaults.str(addr);
    this.tlsCert = Defaults.str(tlsCert);
    this.tlsKey = Defaults.str(tlsKey);
    this.tlsClientCa = Defaults.str(tlsClientCa);
    this.tlsMinVersion = Defaults.str(tlsMinVersion);
    this.tlsMaxVersion = Defaults.str(tlsMaxVersion);
    this.reflection = reflection;
  }

  static GrpcConfig empty() {
    return new GrpcConfig(null, null, null, null, null, null, false);
  }

  GrpcConfig withAddr(String value) {
    return new GrpcConfig(
        value, tlsCert, tlsKey, tlsClientCa, tlsMinVersion, tlsMaxVersion, reflection);
  }
}
