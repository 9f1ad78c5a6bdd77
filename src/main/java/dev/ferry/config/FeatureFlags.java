package dev.ferry.config;

import java.util.Map;

/**
 * Dex's {@code DEX_*} feature flags, read from the environment with Go's {@code strconv.ParseBool};
 * a value that does not parse keeps the default (Dex: pkg/featureflags).
 *
 * @param expandEnv {@code DEX_EXPAND_ENV}, default true: expand {@code $VAR} in config blocks
 * @param entEnabled {@code DEX_ENT_ENABLED}, default false: Dex's ent-based SQL storage
 * @param apiConnectorsCrud {@code DEX_API_CONNECTORS_CRUD}, default false
 * @param continueOnConnectorFailure {@code DEX_CONTINUE_ON_CONNECTOR_FAILURE}, default true: start
 *     unless every connector fails to open
 * @param configDisallowUnknownFields {@code DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS}, default false
 * @param clientCredentialGrantEnabledByDefault {@code
 *     DEX_CLIENT_CREDENTIAL_GRANT_ENABLED_BY_DEFAULT}, default false
 * @param sessionsEnabled {@code DEX_SESSIONS_ENABLED}, default false: sessions, MFA, logout
 * @param apiSessionsIdentitiesCrud {@code DEX_API_SESSIONS_IDENTITIES_CRUD}, default false
 */
public record FeatureFlags(
    boolean expandEnv,
    boolean entEnabled,
    boolean apiConnectorsCrud,
    boolean continueOnConnectorFailure,
    boolean configDisallowUnknownFields,
    boolean clientCredentialGrantEnabledByDefault,
    boolean sessionsEnabled,
    boolean apiSessionsIdentitiesCrud) {

  /** Every flag at its default, as with an empty environment. */
  public static final FeatureFlags DEFAULTS = fromEnv(Map.of());

  public static FeatureFlags fromEnv(Map<String, String> env) {
    return new FeatureFlags(
        flag(env, "DEX_EXPAND_ENV", true),
        flag(env, "DEX_ENT_ENABLED", false),
        flag(env, "DEX_API_CONNECTORS_CRUD", false),
        flag(env, "DEX_CONTINUE_ON_CONNECTOR_FAILURE", true),
        flag(env, "DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", false),
        flag(env, "DEX_CLIENT_CREDENTIAL_GRANT_ENABLED_BY_DEFAULT", false),
        flag(env, "DEX_SESSIONS_ENABLED", false),
        flag(env, "DEX_API_SESSIONS_IDENTITIES_CRUD", false));
  }

  private static boolean flag(Map<String, String> env, String name, boolean defaultValue) {
    String value = env.get(name);
    return value == null ? defaultValue : GoBool.parse(value).orElse(defaultValue);
  }
}
