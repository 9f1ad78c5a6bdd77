package dev.ferry.config;

import static dev.ferry.oauth2.GrantTypes.AUTHORIZATION_CODE;
import static dev.ferry.oauth2.GrantTypes.CLIENT_CREDENTIALS;
import static dev.ferry.oauth2.GrantTypes.DEVICE_CODE;
import static dev.ferry.oauth2.GrantTypes.IMPLICIT;
import static dev.ferry.oauth2.GrantTypes.JWT_BEARER;
import static dev.ferry.oauth2.GrantTypes.PASSWORD;
import static dev.ferry.oauth2.GrantTypes.REFRESH_TOKEN;
import static dev.ferry.oauth2.GrantTypes.TOKEN_EXCHANGE;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which grant types the token endpoint serves and discovery advertises (Dex HEAD: {@code
 * supportedTypes} in the server package, plus the {@code dex serve} default list).
 *
 * <p>The server starts from authorization_code, client_credentials, refresh_token, device_code and
 * token-exchange, adds implicit when an implicit response type is configured and password when a
 * password connector is, then keeps only what {@code oauth2.grantTypes} allows (unknown names are
 * dropped silently). The {@code dex serve} binary fills an empty {@code oauth2.grantTypes} with a
 * default list that has token exchange but not client_credentials, unless {@code
 * DEX_CLIENT_CREDENTIAL_GRANT_ENABLED_BY_DEFAULT} is true. The result is sorted by byte value.
 */
public final class GrantTypesPolicy {

  /** Response types that select the implicit flow (OIDC Core §3.2). */
  public static final List<String> IMPLICIT_RESPONSE_TYPES =
      List.of("token", "code token", "id_token token", "code id_token token");

  /** Every response type Dex accepts. */
  public static final List<String> RESPONSE_TYPES =
      List.of(
          "code",
          "id_token",
          "code id_token",
          "token",
          "code token",
          "id_token token",
          "code id_token token");

  /** What {@code dex serve} uses for an empty {@code oauth2.grantTypes} (cmd/dex/serve.go). */
  public static final List<String> BINARY_DEFAULT =
      List.of(AUTHORIZATION_CODE, IMPLICIT, PASSWORD, REFRESH_TOKEN, DEVICE_CODE, TOKEN_EXCHANGE);

  private static final List<String> IMPLEMENTED =
      List.of(AUTHORIZATION_CODE, CLIENT_CREDENTIALS, REFRESH_TOKEN, DEVICE_CODE, TOKEN_EXCHANGE);

  /**
   * Ferry's grants beyond Dex's: in no default list, served (and advertised) only when {@code
   * oauth2.grantTypes} names them, so that the discovery document of a Dex config stays Dex's.
   */
  private static final List<String> EXTENSIONS = List.of(JWT_BEARER);

  private GrantTypesPolicy() {}

  /**
   * The grant types {@code dex serve} would serve for this {@code oauth2} section, sorted.
   *
   * @param env read for {@code DEX_CLIENT_CREDENTIAL_GRANT_ENABLED_BY_DEFAULT}
   * @throws IllegalArgumentException {@code unsupported response_type "<x>"}; a loaded config has
   *     already been checked for this
   */
  public static List<String> effective(OAuth2Config oauth2, Map<String, String> env) {
    return effective(oauth2, FeatureFlags.fromEnv(env));
  }

  /** As {@link #effective(OAuth2Config, Map)}, with the flags already read. */
  public static List<String> effective(OAuth2Config oauth2, FeatureFlags flags) {
    List<String> allowed = oauth2.grantTypes();
    if (allowed.isEmpty()) {
      List<String> defaults = new ArrayList<>(BINARY_DEFAULT);
      if (flags.clientCredentialGrantEnabledByDefault()) {
        defaults.add(CLIENT_CREDENTIALS);
      }
      allowed = defaults;
    }
    return supported(allowed, oauth2.responseTypes(), oauth2.passwordConnector());
  }

  /**
   * The server package's rule on its own, without the binary's default list: with an empty {@code
   * allowed} every implemented grant is served (Dex: {@code TestNormalizeConfigGrantTypes}).
   *
   * @throws IllegalArgumentException {@code unsupported response_type "<x>"}
   */
  public static List<String> supported(
      List<String> allowed, List<String> responseTypes, String passwordConnector) {
    Set<String> candidates = new LinkedHashSet<>(IMPLEMENTED);
    for (String responseType : responseTypes) {
      if (!RESPONSE_TYPES.contains(responseType)) {
        throw new IllegalArgumentException(unsupportedResponseType(responseType));
      }
      if (IMPLICIT_RESPONSE_TYPES.contains(responseType)) {
        candidates.add(IMPLICIT);
      }
    }
    if (!passwordConnector.isEmpty()) {
      candidates.add(PASSWORD);
    }
    Set<String> result = new LinkedHashSet<>();
    if (allowed.isEmpty()) {
      result.addAll(candidates);
    } else {
      for (String name : allowed) {
        if (candidates.contains(name) || EXTENSIONS.contains(name)) {
          result.add(name);
        }
      }
    }
    List<String> sorted = new ArrayList<>(result);
    // Go's sort.Strings compares bytes; for these ASCII names that is String's natural order.
    sorted.sort(null);
    return List.copyOf(sorted);
  }

  static String unsupportedResponseType(String responseType) {
    return "unsupported response_type \"" + responseType + "\"";
  }
}
