package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code web} section: listeners, TLS, CORS, response headers and the client IP source (Dex:
 * {@code Web}). At least one of {@code http} and {@code https} is required.
 *
 * @param http listen address ({@code host:port}) for plain HTTP, or ""
 * @param https listen address for HTTPS, or ""
 * @param tlsMinVersion "1.2" (Dex's default when "") or "1.3"
 * @param tlsMaxVersion "", "1.2" or "1.3"
 * @param allowedOrigins CORS origins; CORS is on only when this is non-empty; "*" allows any
 * @param allowedHeaders CORS request headers, default {@code ["Authorization"]}
 */
public record WebConfig(
    String http,
    String https,
    String tlsCert,
    String tlsKey,
    String tlsMinVersion,
    String tlsMaxVersion,
    List<String> allowedOrigins,
    List<String> allowedHeaders,
    HeadersConfig headers,
    @JsonProperty("clientRemoteIP") ClientRemoteIpConfig clientRemoteIp) {

  /** Dex's default for {@code allowedHeaders} (server.go). */
  public static final List<String> DEFAULT_ALLOWED_HEADERS = List.of("Authorization");

  public WebConfig(
      @Nullable String http,
      @Nullable String https,
      @Nullable String tlsCert,
      @Nullable String tlsKey,
      @Nullable String tlsMinVersion,
      @Nullable String tlsMaxVersion,
      @Nullable List<String> allowedOrigins,
      @Nullable List<String> allowedHeaders,
      @Nullable HeadersConfig headers,
      @JsonProperty("clientRemoteIP") @Nullable ClientRemoteIpConfig clientRemoteIp) {
    this.http = Defaults.str(http);
    this.https = Defaults.str(https);
    this.tlsCert = Defaults.str(tlsCert);
    this.tlsKey = Defaults.str(tlsKey);
    this.tlsMinVersion = Defaults.str(tlsMinVersion);
    this.tlsMaxVersion = Defaults.str(tlsMaxVersion);
    this.allowedOrigins = Defaults.strings(allowedOrigins);
    this.allowedHeaders = Defaults.strings(allowedHeaders, DEFAULT_ALLOWED_HEADERS);
    this.headers = Defaults.orElse(headers, HeadersConfig.NONE);
    this.clientRemoteIp = Defaults.orElse(clientRemoteIp, ClientRemoteIpConfig.NONE);
  }

  static WebConfig empty() {
    return new WebConfig(null, null, null, null, null, null, null, null, null, null);
  }

  WebConfig withListeners(String http, String https) {
    return new WebConfig(
        http,
        https,
        tlsCert,
        tlsKey,
        tlsMinVersion,
        tlsMaxVersion,
        allowedOrigins,
        allowedHeaders,
        headers,
        clientRemoteIp);
  }
}
