package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code web.headers}: security headers added to every routed response, each unset when blank (Dex:
 * {@code Headers}). The YAML keys are the header names themselves.
 */
public record HeadersConfig(
    @JsonProperty("Content-Security-Policy") String contentSecurityPolicy,
    @JsonProperty("X-Frame-Options") String xFrameOptions,
    @JsonProperty("X-Content-Type-Options") String xContentTypeOptions,
    @JsonProperty("X-XSS-Protection") String xXssProtection,
    @JsonProperty("Strict-Transport-Security") String strictTransportSecurity) {

  static final HeadersConfig NONE = new HeadersConfig(null, null, null, null, null);

  public HeadersConfig(
      @JsonProperty("Content-Security-Policy") @Nullable String contentSecurityPolicy,
      @JsonProperty("X-Frame-Options") @Nullable String xFrameOptions,
      @JsonProperty("X-Content-Type-Options") @Nullable String xContentTypeOptions,
      @JsonProperty("X-XSS-Protection") @Nullable String xXssProtection,
      @JsonProperty("Strict-Transport-Security") @Nullable String strictTransportSecurity) {
    this.contentSecurityPolicy = Defaults.str(contentSecurityPolicy);
    this.xFrameOptions = Defaults.str(xFrameOptions);
    this.xContentTypeOptions = Defaults.str(xContentTypeOptions);
    this.xXssProtection = Defaults.str(xXssProtection);
    this.strictTransportSecurity = Defaults.str(strictTransportSecurity);
  }

  /** The non-blank headers by name, in Dex's order (Dex: {@code Headers.ToHTTPHeader}). */
  public Map<String, String> asMap() {
    Map<String, String> headers = new LinkedHashMap<>();
    putIfSet(headers, "Content-Security-Policy", contentSecurityPolicy);
    putIfSet(headers, "X-Frame-Options", xFrameOptions);
    putIfSet(headers, "X-Content-Type-Options", xContentTypeOptions);
    putIfSet(headers, "X-XSS-Protection", xXssProtection);
    putIfSet(headers, "Strict-Transport-Security", strictTransportSecurity);
    return Map.copyOf(headers);
  }

  private static void putIfSet(Map<String, String> headers, String name, String value) {
    if (!value.isEmpty()) {
      headers.put(name, value);
    }
  }
}
