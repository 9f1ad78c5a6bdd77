package dev.ferry.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code oauth2} section (Dex: {@code OAuth2}). The grant types actually served follow from it
 * through {@link GrantTypesPolicy}.
 *
 * @param grantTypes allow-list of grant types as written; empty means Dex's default list. Unknown
 *     names are kept here and dropped by {@link GrantTypesPolicy}, as Dex drops them silently
 * @param responseTypes default {@code ["code"]}
 * @param passwordConnector connector id that serves the password grant, or ""
 */
public record OAuth2Config(
    List<String> grantTypes,
    List<String> responseTypes,
    boolean skipApprovalScreen,
    boolean alwaysShowLoginScreen,
    String passwordConnector,
    PkceConfig pkce) {

  /** Dex's default when {@code responseTypes} is empty (server.go). */
  public static final List<String> DEFAULT_RESPONSE_TYPES = List.of("code");

  public OAuth2Config(
      @Nullable List<String> grantTypes,
      @Nullable List<String> responseTypes,
      boolean skipApprovalScreen,
      boolean alwaysShowLoginScreen,
      @Nullable String passwordConnector,
      @Nullable PkceConfig pkce) {
    this.grantTypes = Defaults.strings(grantTypes);
    this.responseTypes = Defaults.strings(responseTypes, DEFAULT_RESPONSE_TYPES);
    this.skipApprovalScreen = skipApprovalScreen;
    this.alwaysShowLoginScreen = alwaysShowLoginScreen;
    this.passwordConnector = Defaults.str(passwordConnector);
    this.pkce = Defaults.orElse(pkce, PkceConfig.DEFAULT);
  }

  static OAuth2Config defaults() {
    return new OAuth2Config(null, null, false, false, null, null);
  }
}
