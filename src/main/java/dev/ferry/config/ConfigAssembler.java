package dev.ferry.config;

import dev.ferry.http.ListenAddress;
import dev.ferry.policy.FederatedCredentials;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns the bound file into a {@link FerryConfig}: applies defaults and command-line listen
 * addresses, reads the environment where Dex does, and checks everything Dex checks at start-up
 * (Dex: {@code Config.Validate} and {@code serve}), recording each problem instead of stopping.
 * Messages are Dex's where Dex has one.
 */
final class ConfigAssembler {
  private static final Set<String> TLS_VERSIONS = Set.of("1.2", "1.3");

  private final Map<String, String> env;
  private final List<String> connectorTypes;
  private final FeatureFlags flags;
  private final Problems problems;
  private final TrustChecks trustChecks;

  ConfigAssembler(
      Map<String, String> env,
      List<String> connectorTypes,
      FeatureFlags flags,
      Problems problems,
      TrustChecks trustChecks) {
    this.env = env;
    this.connectorTypes = connectorTypes;
    this.flags = flags;
    this.problems = problems;
    this.trustChecks = trustChecks;
  }

  FerryConfig assemble(
      ConfigFile raw, Set<Integer> connectorsWithoutConfig, ListenOverrides overrides) {
    String issuer = Defaults.str(raw.issuer());
    StorageConfig storage = Defaults.orElse(raw.storage(), new StorageConfig("", null));
    WebConfig web = Defaults.orElse(raw.web(), WebConfig.empty());
    web =
        web.withListeners(
            or(overrides.webHttp(), web.http()), or(overrides.webHttps(), web.https()));
    TelemetryConfig fileTelemetry = Defaults.orElse(raw.telemetry(), TelemetryConfig.empty());
    TelemetryConfig telemetry =
        new TelemetryConfig(
            or(overrides.telemetryHttp(), fileTelemetry.http()), fileTelemetry.enableProfiling());
    GrpcConfig grpc = Defaults.orElse(raw.grpc(), GrpcConfig.empty());
    grpc = grpc.withAddr(or(overrides.grpcAddr(), grpc.addr()));
    ExpiryConfig expiry = Defaults.orElse(raw.expiry(), ExpiryConfig.defaults());
    OAuth2Config oauth2 = Defaults.orElse(raw.oauth2(), OAuth2Config.defaults());
    FrontendConfig frontend = Defaults.orElse(raw.frontend(), FrontendConfig.defaults());
    if (frontend.dir().isEmpty()) {
      frontend = frontend.withDir(env.getOrDefault("DEX_FRONTEND_DIR", ""));
    }
    List<StaticPassword> passwords = Defaults.items(raw.staticPasswords(), StaticPassword::empty);
    MfaConfig mfa = Defaults.orElse(raw.mfa(), MfaConfig.NONE);

    checkDexFastChecks(issuer, raw, passwords, web, grpc);
    checkIssuerUrl(issuer);
    if (raw.storage() != null && !StorageConfig.KNOWN_TYPES.contains(storage.type())) {
      problems.add("storage.type", "unknown storage type \"" + storage.type() + "\"");
    }
    checkListenAddress("web.http", web.http());
    checkListenAddress("web.https", web.https());
    checkListenAddress("telemetry.http", telemetry.http());
    checkListenAddress("grpc.addr", grpc.addr());
    checkTrustedProxies(web.clientRemoteIp());
    checkExpiry(expiry);
    checkOAuth2(oauth2);
    SignerConfig signer = new SignerResolver(env, flags, problems).resolve(raw.signer(), expiry);
    checkSessions(raw.sessions(), mfa);

    StaticEntries entries = new StaticEntries(env, connectorTypes, problems);
    List<ConnectorConfig> connectors =
        entries.connectors(
            Defaults.items(raw.connectors(), ConnectorEntry::empty).stream()
                .map(ConnectorEntry::toConnectorConfig)
                .toList(),
            connectorsWithoutConfig);
    List<StaticClient> clients =
        entries.clients(Defaults.items(raw.staticClients(), StaticClient::empty));
    passwords = entries.passwords(passwords);
    entries.checkMfaReferences(mfa, clients);
    TrustBlocks.Checked trust = new TrustBlocks(trustChecks, problems).check(connectors, clients);
    FederatedCredentials federated =
        new FederatedCredentialChecks(problems).check(connectors, clients);
    AuditConfig audit = raw.audit() == null ? AuditConfig.toLog() : raw.audit().toAuditConfig();

    return new FerryConfig(
        issuer,
        storage,
        web,
        telemetry,
        grpc,
        expiry,
        Defaults.orElse(raw.logger(), LoggerConfig.defaults()),
        oauth2,
        signer,
        frontend,
        connectors,
        clients,
        raw.enablePasswordDb(),
        passwords,
        raw.sessions(),
        mfa,
        flags,
        audit,
        trust.warnings(),
        trust.trusts(),
        federated);
  }

  /** Dex's {@code Config.Validate} list, in Dex's order and words. */
  private void checkDexFastChecks(
      String issuer,
      ConfigFile raw,
      List<StaticPassword> passwords,
      WebConfig web,
      GrpcConfig grpc) {
    if (issuer.isEmpty() && !problems.has("issuer")) {
      problems.add("issuer", "no issuer specified in config file");
    }
    if (!raw.enablePasswordDb() && !passwords.isEmpty()) {
      problems.add(
          "staticPasswords", "cannot specify static passwords without enabling password db");
    }
    if (raw.storage() == null && !problems.has("storage")) {
      problems.add("storage", "no storage supplied in config file");
    }
    if (web.http().isEmpty() && web.https().isEmpty()) {
      // Dex's message has the double space.
      problems.add("web", "must supply a HTTP/HTTPS  address to listen on");
    }
    if (!web.https().isEmpty() && web.tlsCert().isEmpty()) {
      problems.add("web.tlsCert", "no cert specified for HTTPS");
    }
    if (!web.https().isEmpty() && web.tlsKey().isEmpty()) {
      problems.add("web.tlsKey", "no private key specified for HTTPS");
    }
    checkTlsVersions("web", web.tlsMinVersion(), web.tlsMaxVersion());
    if ((!grpc.tlsCert().isEmpty() || !grpc.tlsKey().isEmpty()) && grpc.addr().isEmpty()) {
      problems.add("grpc.addr", "no address specified for gRPC");
    }
    if (grpc.tlsCert().isEmpty() != grpc.tlsKey().isEmpty()) {
      // Dex's words, typo included, so that searches for the message find Dex's docs.
      problems.add("grpc", "must specific both a gRPC TLS cert and key");
    }
    if (grpc.tlsCert().isEmpty() && !grpc.tlsClientCa().isEmpty()) {
      problems.add("grpc.tlsClientCA", "cannot specify gRPC TLS client CA without a gRPC TLS cert");
    }
    checkTlsVersions("grpc", grpc.tlsMinVersion(), grpc.tlsMaxVersion());
  }

  private void checkTlsVersions(String section, String min, String max) {
    if (!min.isEmpty() && !TLS_VERSIONS.contains(min)) {
      problems.add(section + ".tlsMinVersion", "supported TLS versions are: 1.2, 1.3");
    }
    if (!max.isEmpty() && !TLS_VERSIONS.contains(max)) {
      problems.add(section + ".tlsMaxVersion", "supported TLS versions are: 1.2, 1.3");
    }
    if (!min.isEmpty() && !max.isEmpty() && min.compareTo(max) > 0) {
      problems.add(section + ".tlsMinVersion", "TLSMinVersion greater than TLSMaxVersion");
    }
  }

  /**
   * The issuer is the {@code iss} of every token and the base of every endpoint, so it must be an
   * absolute http(s) URL without query or fragment (OpenID Connect Discovery 1.0 §3). Dex only
   * checks that it parses.
   */
  private void checkIssuerUrl(String issuer) {
    if (issuer.isEmpty()) {
      return;
    }
    String problem = "issuer must be an absolute http or https URL, got \"" + issuer + "\"";
    try {
      URI uri = new URI(issuer);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getRawAuthority() == null) {
        problems.add("issuer", problem);
      } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        problems.add("issuer", "issuer must not have a query or fragment");
      }
    } catch (URISyntaxException e) {
      problems.add("issuer", problem);
    }
  }

  private void checkListenAddress(String key, String address) {
    if (address.isEmpty()) {
      return;
    }
    try {
      ListenAddress.parse(address);
    } catch (IllegalArgumentException e) {
      problems.add(key, String.valueOf(e.getMessage()));
    }
  }

  private void checkTrustedProxies(ClientRemoteIpConfig clientRemoteIp) {
    List<String> proxies = clientRemoteIp.trustedProxies();
    for (int i = 0; i < proxies.size(); i++) {
      if (!IpPrefix.isValid(proxies.get(i))) {
        problems.add(
            KeyPath.index("web.clientRemoteIP.trustedProxies", i),
            "invalid CIDR or IP address \"" + proxies.get(i) + "\"");
      }
    }
  }

  /** Zero or negative lifetimes would make every token, key or request dead on arrival. */
  private void checkExpiry(ExpiryConfig expiry) {
    positive("expiry.signingKeys", expiry.signingKeys());
    positive("expiry.idTokens", expiry.idTokens());
    positive("expiry.authRequests", expiry.authRequests());
    positive("expiry.deviceRequests", expiry.deviceRequests());
    RefreshTokensConfig refresh = expiry.refreshTokens();
    notNegative("expiry.refreshTokens.reuseInterval", refresh.reuseInterval());
    notNegative("expiry.refreshTokens.absoluteLifetime", refresh.absoluteLifetime());
    notNegative("expiry.refreshTokens.validIfNotUsedFor", refresh.validIfNotUsedFor());
  }

  private void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      problems.add(key, "must be a positive duration");
    }
  }

  private void notNegative(String key, Duration value) {
    if (value.isNegative()) {
      problems.add(key, "must not be a negative duration");
    }
  }

  private void checkOAuth2(OAuth2Config oauth2) {
    List<String> responseTypes = oauth2.responseTypes();
    for (int i = 0; i < responseTypes.size(); i++) {
      if (!GrantTypesPolicy.RESPONSE_TYPES.contains(responseTypes.get(i))) {
        problems.add(
            KeyPath.index("oauth2.responseTypes", i),
            GrantTypesPolicy.unsupportedResponseType(responseTypes.get(i)));
      }
    }
    List<String> methods = oauth2.pkce().codeChallengeMethodsSupported();
    for (int i = 0; i < methods.size(); i++) {
      if (!PkceConfig.KNOWN_METHODS.contains(methods.get(i))) {
        problems.add(
            KeyPath.index("oauth2.pkce.codeChallengeMethodsSupported", i),
            "unsupported PKCE challenge method \"" + methods.get(i) + "\"");
      }
    }
  }

  /** Sessions and MFA are behind Dex's {@code DEX_SESSIONS_ENABLED} flag. */
  private void checkSessions(@Nullable SessionsConfig sessions, MfaConfig mfa) {
    if (sessions != null) {
      if (!flags.sessionsEnabled()) {
        problems.add("sessions", "sessions require the DEX_SESSIONS_ENABLED feature flag");
      }
      positive("sessions.absoluteLifetime", sessions.absoluteLifetime());
      positive("sessions.validIfNotUsedFor", sessions.validIfNotUsedFor());
      int keyBytes = sessions.cookieEncryptionKey().getBytes(StandardCharsets.UTF_8).length;
      if (keyBytes != 0 && keyBytes != 16 && keyBytes != 24 && keyBytes != 32) {
        problems.add(
            "sessions.cookieEncryptionKey",
            "must be 16, 24 or 32 bytes long (AES-128, -192 or -256), got " + keyBytes);
      }
      if (!SessionsConfig.SSO_SHARED_WITH_DEFAULTS.contains(sessions.ssoSharedWithDefault())) {
        problems.add(
            "sessions.ssoSharedWithDefault",
            "must be \"none\" or \"all\", got \"" + sessions.ssoSharedWithDefault() + "\"");
      }
    }
    if (mfa.isConfigured() && !flags.sessionsEnabled()) {
      problems.add("mfa", "MFA requires the DEX_SESSIONS_ENABLED feature flag");
    }
  }

  private static String or(String override, String value) {
    return override.isEmpty() ? value : override;
  }
}
