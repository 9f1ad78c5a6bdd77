package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The file's top level as written, before defaults, environment look-ups and validation (Dex:
 * {@code Config}). Absent sections stay null here so that validation can tell "absent" from "empty"
 * where Dex does.
 */
record ConfigFile(
    @Nullable String issuer,
    @Nullable StorageConfig storage,
    @Nullable WebConfig web,
    @Nullable TelemetryConfig telemetry,
    @Nullable GrpcConfig grpc,
    @Nullable ExpiryConfig expiry,
    @Nullable LoggerConfig logger,
    @Nullable OAuth2Config oauth2,
    @Nullable SignerSection signer,
    @Nullable FrontendConfig frontend,
    @Nullable List<ConnectorEntry> connectors,
    @Nullable List<StaticClient> staticClients,
    @JsonProperty("enablePasswordDB") boolean enablePasswordDb,
    @Nullable List<StaticPassword> staticPasswords,
    @Nullable SessionsConfig sessions,
    @Nullable MfaConfig mfa,
    @Nullable AuditSection audit) {}
