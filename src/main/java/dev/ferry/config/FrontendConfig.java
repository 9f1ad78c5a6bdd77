package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code frontend} section: the login pages' look (Dex: {@code server.WebConfig}).
 *
 * @param dir directory of web assets, or "" for the built-in ones; falls back to env {@code
 *     DEX_FRONTEND_DIR}
 * @param issuer name shown on the pages, default "dex"
 * @param theme default "light"
 * @param extra values handed to the templates
 */
public record FrontendConfig(
    String dir,
    @JsonProperty("logoURL") String logoUrl,
    String issuer,
    String theme,
    Map<String, String> extra) {

  public FrontendConfig(
      @Nullable String dir,
      @JsonProperty("logoURL") @Nullable String logoUrl,
      @Nullable String issuer,
      @Nullable String theme,
      @Nullable Map<String, String> extra) {
    this.dir = Defaults.str(dir);
    this.logoUrl = Defaults.str(logoUrl);
    this.issuer = Defaults.str(issuer, "dex");
    this.theme = Defaults.str(theme, "light");
    this.extra = Defaults.map(extra);
  }

  static FrontendConfig defaults() {
    return new FrontendConfig(null, null, null, null, null);
  }

  FrontendConfig withDir(String value) {
    return new FrontendConfig(value, logoUrl, issuer, theme, extra);
  }
}
