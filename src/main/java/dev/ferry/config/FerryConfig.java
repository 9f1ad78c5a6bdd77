package dev.ferry.config;

import dev.ferry.policy.ConnectorTrust;
import dev.ferry.policy.FederatedCredentials;
import dev.ferry.storage.Client;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A loaded, validated Dex configuration file with Dex's defaults applied and its environment
 * look-ups done ({@code idEnv}, {@code secretEnv}, {@code hashFromEnv}, {@code VAULT_*}, {@code
 * DEX_FRONTEND_DIR}). Built by {@link ConfigLoader}.
 *
 * @param issuer the canonical issuer URL, used verbatim as {@code iss}; its path prefixes every
 *     route
 * @param signer the resolved signer; without a {@code signer} section, a local RS256 signer that
 *     rotates every {@code expiry.signingKeys}
 * @param sessions the {@code sessions} section, or null when absent (Dex keeps a pointer)
 * @param featureFlags the {@code DEX_*} flags read when the file was loaded
 * @param audit where token-exchange audit records go (Ferry's top-level {@code audit} key)
 * @param warnings what an operator should know about this file although it can be served (issue 8:
 *     unprotected shared issuers, trust conditions on mutable claims), each starting with the key
 *     it names; {@code config check} prints them, {@code serve} logs them at WARN
 * @param trusts the connectors' trust blocks as compiled while the file was loaded, by connector
 *     id; connectors without a block are absent
 * @param federatedCredentials the static clients' {@code federatedCredentials} as compiled while
 *     the file was loaded (Ferry's extension); none for a Dex config
 */
public record FerryConfig(
    String issuer,
    StorageConfig storage,
    WebConfig web,
    TelemetryConfig telemetry,
    GrpcConfig grpc,
    ExpiryConfig expiry,
    LoggerConfig logger,
    OAuth2Config oauth2,
    SignerConfig signer,
    FrontendConfig frontend,
    List<ConnectorConfig> connectors,
    List<StaticClient> staticClients,
    boolean enablePasswordDb,
    List<StaticPassword> staticPasswords,
    @Nullable SessionsConfig sessions,
    MfaConfig mfa,
    FeatureFlags featureFlags,
    AuditConfig audit,
    List<String> warnings,
    Map<String, ConnectorTrust> trusts,
    FederatedCredentials federatedCredentials) {

  public FerryConfig {
    warnings = List.copyOf(warnings);
    trusts = Collections.unmodifiableMap(new LinkedHashMap<>(trusts));
    connectors = List.copyOf(connectors);
    staticClients = List.copyOf(staticClients);
    staticPasswords = List.copyOf(staticPasswords);
  }

  /** The grant types served and advertised, sorted (see {@link GrantTypesPolicy}). */
  public List<String> effectiveGrantTypes() {
    return GrantTypesPolicy.effective(oauth2, featureFlags);
  }

  /** The static clients as storage models. */
  public List<Client> storageClients() {
    return staticClients.stream().map(StaticClient::toStorageClient).toList();
  }

  /**
   * Settings this file uses that Ferry parses but does not serve yet, as config keys (with the
   * value where the key alone is not enough), so that {@code serve} can warn about each. Empty when
   * everything configured is served.
   */
  public List<String> unsupportedFeatures() {
    List<String> features = new ArrayList<>();
    if (storage.type().equals("etcd") || storage.type().equals("kubernetes")) {
      features.add("storage.type: " + storage.type());
    }
    if (!grpc.addr().isEmpty()) {
      features.add("grpc.addr");
    }
    if (telemetry.enableProfiling()) {
      features.add("telemetry.enableProfiling");
    }
    if (signer instanceof VaultSignerConfig) {
      features.add("signer.type: vault");
    }
    if (sessions != null) {
      features.add("sessions");
    }
    if (mfa.isConfigured()) {
      features.add("mfa");
    }
    return List.copyOf(features);
  }
}
