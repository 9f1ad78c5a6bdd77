package dev.ferry.config;

import static dev.ferry.config.Fixtures.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per validation message: the file, the key the problem names, and Dex's words. */
class ConfigValidationTest {
  private static final Map<String, String> NO_ENV = Map.of();
  private static final Map<String, String> SESSIONS = Map.of("DEX_SESSIONS_ENABLED", "true");
  private static final Map<String, String> STRICT =
      Map.of("DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", "true");
  private static final String HASH = "$2a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy";

  private static Arguments bad(String yaml, Map<String, String> env, String key, String message) {
    return Arguments.of(key + ": " + message, yaml, env, new Problem(key, message));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // Dex's Config.Validate, in Dex's order.
        bad(
            "storage: {type: memory}\nweb: {http: 127.0.0.1:5556}",
            NO_ENV,
            "issuer",
            "no issuer specified in config file"),
        bad(
            MINIMAL + "staticPasswords:\n- {email: a@example.com, hash: '" + HASH + "'}",
            NO_ENV,
            "staticPasswords",
            "cannot specify static passwords without enabling password db"),
        bad(
            "issuer: https://dex.example.com\nweb: {http: 127.0.0.1:5556}",
            NO_ENV,
            "storage",
            "no storage supplied in config file"),
        bad(
            "issuer: https://dex.example.com\nstorage: {type: memory}",
            NO_ENV,
            "web",
            "must supply a HTTP/HTTPS  address to listen on"),
        bad(
            base("web: {https: 127.0.0.1:5554, tlsKey: k.pem}"),
            NO_ENV,
            "web.tlsCert",
            "no cert specified for HTTPS"),
        bad(
            base("web: {https: 127.0.0.1:5554, tlsCert: c.pem}"),
            NO_ENV,
            "web.tlsKey",
            "no private key specified for HTTPS"),
        bad(
            base("web: {http: 127.0.0.1:5556, tlsMinVersion: '1.1'}"),
            NO_ENV,
            "web.tlsMinVersion",
            "supported TLS versions are: 1.2, 1.3"),
        bad(
            base("web: {http: 127.0.0.1:5556, tlsMaxVersion: '1.0'}"),
            NO_ENV,
            "web.tlsMaxVersion",
            "supported TLS versions are: 1.2, 1.3"),
        bad(
            base("web: {http: 127.0.0.1:5556, tlsMinVersion: 1.3, tlsMaxVersion: 1.2}"),
            NO_ENV,
            "web.tlsMinVersion",
            "TLSMinVersion greater than TLSMaxVersion"),
        bad(
            MINIMAL + "grpc: {tlsCert: c.pem, tlsKey: k.pem}",
            NO_ENV,
            "grpc.addr",
            "no address specified for gRPC"),
        bad(
            MINIMAL + "grpc: {addr: 127.0.0.1:5557, tlsCert: c.pem}",
            NO_ENV,
            "grpc",
            "must specific both a gRPC TLS cert and key"),
        bad(
            MINIMAL + "grpc: {addr: 127.0.0.1:5557, tlsClientCA: ca.pem}",
            NO_ENV,
            "grpc.tlsClientCA",
            "cannot specify gRPC TLS client CA without a gRPC TLS cert"),
        bad(
            MINIMAL + "grpc: {addr: 127.0.0.1:5557, tlsMaxVersion: '1.4'}",
            NO_ENV,
            "grpc.tlsMaxVersion",
            "supported TLS versions are: 1.2, 1.3"),
        bad(
            MINIMAL + "grpc: {addr: 127.0.0.1:5557, tlsMinVersion: '1.3', tlsMaxVersion: '1.2'}",
            NO_ENV,
            "grpc.tlsMinVersion",
            "TLSMinVersion greater than TLSMaxVersion"),
        // Issuer and storage type.
        bad(
            "issuer: dex.example.com\nstorage: {type: memory}\nweb: {http: 127.0.0.1:5556}",
            NO_ENV,
            "issuer",
            "issuer must be an absolute http or https URL, got \"dex.example.com\""),
        bad(
            "issuer: ftp://dex.example.com\nstorage: {type: memory}\nweb: {http: ':5556'}",
            NO_ENV,
            "issuer",
            "issuer must be an absolute http or https URL, got \"ftp://dex.example.com\""),
        bad(
            "issuer: https://dex.example.com/?a=b\nstorage: {type: memory}\nweb: {http: ':1'}",
            NO_ENV,
            "issuer",
            "issuer must not have a query or fragment"),
        bad(
            "issuer: https://dex.example.com\nstorage: {type: redis}\nweb: {http: ':1'}",
            NO_ENV,
            "storage.type",
            "unknown storage type \"redis\""),
        bad(
            "issuer: https://dex.example.com\nstorage: {config: {file: x}}\nweb: {http: ':1'}",
            NO_ENV,
            "storage.type",
            "unknown storage type \"\""),
        // Listen addresses and proxies.
        bad(
            base("web: {http: localhost}"),
            NO_ENV,
            "web.http",
            "invalid listen address \"localhost\": missing port, expected host:port"),
        bad(
            MINIMAL + "telemetry: {http: '127.0.0.1:99999'}",
            NO_ENV,
            "telemetry.http",
            "invalid listen address \"127.0.0.1:99999\": port must be at most 65535"),
        bad(
            base(
                "web: {http: ':5556', clientRemoteIP: {header: X-Real-IP, trustedProxies: [10.0.0.0/33]}}"),
            NO_ENV,
            "web.clientRemoteIP.trustedProxies[0]",
            "invalid CIDR or IP address \"10.0.0.0/33\""),
        // Connectors.
        bad(
            MINIMAL + "connectors:\n- {type: oidc, id: gh, config: {issuer: https://x}}",
            NO_ENV,
            "connectors[0]",
            "ID, Type and Name fields are required for a connector"),
        bad(
            MINIMAL + "connectors:\n- {type: oidc, id: gh, name: GitHub}",
            NO_ENV,
            "connectors[0].config",
            "no config field for connector \"gh\""),
        bad(
            MINIMAL + "connectors:\n- {type: jwt, id: gh, name: GitHub, config: {}}",
            NO_ENV,
            "connectors[0].type",
            "unknown connector type \"jwt\""),
        bad(
            MINIMAL
                + "connectors:\n- {type: oidc, id: gh, name: GH, config: {},"
                + " grantTypes: [urn:ietf:params:oauth:grant-type:token-exchange, client_secret]}",
            NO_ENV,
            "connectors[0].grantTypes[1]",
            "unknown grant type \"client_secret\" for connector \"gh\""),
        bad(
            MINIMAL
                + "connectors:\n- {type: oidc, id: gh, name: A, config: {}}\n"
                + "- {type: oidc, id: gh, name: B, config: {}}",
            NO_ENV,
            "connectors[1].id",
            "duplicate connector ID \"gh\""),
        // Static clients.
        bad(
            MINIMAL + "staticClients:\n- {id: app, secret: s}",
            NO_ENV,
            "staticClients[0].name",
            "Name field is required for a client"),
        bad(
            MINIMAL + "staticClients:\n- {name: App, secret: s}",
            NO_ENV,
            "staticClients[0].id",
            "ID or IDEnv field is required for a client"),
        bad(
            MINIMAL + "staticClients:\n- {id: app, idEnv: APP_ID, name: App, secret: s}",
            NO_ENV,
            "staticClients[0].idEnv",
            "ID and IDEnv fields are exclusive for client \"app\""),
        bad(
            MINIMAL + "staticClients:\n- {id: app, name: App}",
            NO_ENV,
            "staticClients[0].secret",
            "Secret or SecretEnv field is required for client \"app\""),
        bad(
            MINIMAL
                + "staticClients:\n- {id: app, name: App, secret: s, secretEnv: S, public: true}",
            NO_ENV,
            "staticClients[0].secretEnv",
            "Secret and SecretEnv fields are exclusive for client \"app\""),
        bad(
            MINIMAL
                + "staticClients:\n- {id: app, name: App, secret: s, refreshTokenLifetime: ever}",
            NO_ENV,
            "staticClients[0].refreshTokenLifetime",
            "invalid refreshTokenLifetime \"ever\" for client \"app\", expected \"standalone\" or"
                + " \"session\""),
        bad(
            MINIMAL
                + "staticClients:\n- {id: app, name: A, secret: s}\n- {id: app, name: B, secret: t}",
            NO_ENV,
            "staticClients[1].id",
            "duplicate client ID \"app\""),
        // Static passwords.
        bad(
            MINIMAL + "enablePasswordDB: true\nstaticPasswords:\n- {email: a@example.com}",
            NO_ENV,
            "staticPasswords[0].hash",
            "no password hash provided"),
        bad(
            MINIMAL
                + "enablePasswordDB: true\nstaticPasswords:\n- {email: a@x.com, hashFromEnv: NOPE}",
            NO_ENV,
            "staticPasswords[0].hash",
            "no password hash provided"),
        bad(
            MINIMAL + "enablePasswordDB: true\nstaticPasswords:\n- {email: a@x.com, hash: secret}",
            NO_ENV,
            "staticPasswords[0].hash",
            "malformed bcrypt hash: crypto/bcrypt: hashedSecret too short to be a bcrypted"
                + " password"),
        // Signer.
        bad(
            MINIMAL + "signer: {type: kms, config: {}}",
            NO_ENV,
            "signer.type",
            "unknown signer type \"kms\", expected \"local\" or \"vault\""),
        bad(
            MINIMAL + "signer: {type: local}",
            NO_ENV,
            "signer.config.keysRotationPeriod",
            "keysRotationPeriod is required for the local signer"),
        bad(
            MINIMAL + "signer: {type: local, config: {keysRotationPeriod: 1w}}",
            NO_ENV,
            "signer.config.keysRotationPeriod",
            "invalid config value \"1w\" for local signer rotation period: time: unknown unit"
                + " \"w\" in duration \"1w\""),
        bad(
            MINIMAL + "signer: {type: local, config: {keysRotationPeriod: 6h, algorithm: HS256}}",
            NO_ENV,
            "signer.config.algorithm",
            "unsupported local signer algorithm \"HS256\", expected RS256 or ES256"),
        bad(
            MINIMAL + "signer: {type: vault, config: {addr: 'https://vault:8200'}}",
            NO_ENV,
            "signer.config.keyName",
            "keyName is required for the vault signer"),
        // Expiry, OAuth2, logger.
        bad(
            MINIMAL + "expiry: {idTokens: 1d}",
            NO_ENV,
            "expiry.idTokens",
            "time: unknown unit \"d\" in duration \"1d\""),
        bad(
            MINIMAL + "expiry: {deviceRequests: 10}",
            NO_ENV,
            "expiry.deviceRequests",
            "time: missing unit in duration \"10\""),
        bad(
            MINIMAL + "expiry: {authRequests: -1h}",
            NO_ENV,
            "expiry.authRequests",
            "must be a positive duration"),
        bad(
            MINIMAL + "expiry: {refreshTokens: {validIfNotUsedFor: -1s}}",
            NO_ENV,
            "expiry.refreshTokens.validIfNotUsedFor",
            "must not be a negative duration"),
        bad(
            MINIMAL + "oauth2: {responseTypes: [code, token id_token]}",
            NO_ENV,
            "oauth2.responseTypes[1]",
            "unsupported response_type \"token id_token\""),
        bad(
            MINIMAL + "oauth2: {pkce: {codeChallengeMethodsSupported: [S512]}}",
            NO_ENV,
            "oauth2.pkce.codeChallengeMethodsSupported[0]",
            "unsupported PKCE challenge method \"S512\""),
        bad(
            MINIMAL + "logger: {level: loud}",
            NO_ENV,
            "logger.level",
            "slog: level string \"loud\": unknown name"),
        bad(
            MINIMAL + "logger: {format: xml}",
            NO_ENV,
            "logger.format",
            "log format is not one of the supported values (json, text): xml"),
        // Sessions and MFA (Dex HEAD, behind DEX_SESSIONS_ENABLED).
        bad(
            MINIMAL + "sessions: {cookieName: s}",
            NO_ENV,
            "sessions",
            "sessions require the DEX_SESSIONS_ENABLED feature flag"),
        bad(
            MINIMAL + "mfa: {authenticators: [{id: totp, type: TOTP}]}",
            NO_ENV,
            "mfa",
            "MFA requires the DEX_SESSIONS_ENABLED feature flag"),
        bad(
            MINIMAL + "sessions: {cookieEncryptionKey: short}",
            SESSIONS,
            "sessions.cookieEncryptionKey",
            "must be 16, 24 or 32 bytes long (AES-128, -192 or -256), got 5"),
        bad(
            MINIMAL + "sessions: {ssoSharedWithDefault: some}",
            SESSIONS,
            "sessions.ssoSharedWithDefault",
            "must be \"none\" or \"all\", got \"some\""),
        bad(
            MINIMAL + "sessions: {absoluteLifetime: 1y}",
            SESSIONS,
            "sessions.absoluteLifetime",
            "time: unknown unit \"y\" in duration \"1y\""),
        bad(
            MINIMAL + "mfa: {authenticators: [{id: key, type: U2F}]}",
            SESSIONS,
            "mfa.authenticators[0].type",
            "unknown MFA authenticator type \"U2F\", expected TOTP or WebAuthn"),
        bad(
            MINIMAL + "mfa: {authenticators: [{id: totp, type: TOTP}], defaultMFAChain: [sms]}",
            SESSIONS,
            "mfa.defaultMFAChain[0]",
            "unknown MFA authenticator \"sms\""),
        // Types and unknown keys.
        bad(
            base("web: {http: ':5556', allowedOrigins: '*'}"),
            NO_ENV,
            "web.allowedOrigins",
            "expected a list, got a string"),
        bad(
            MINIMAL + "staticClients:\n- {id: app, name: App, secret: s, public: maybe}",
            NO_ENV,
            "staticClients[0].public",
            "expected true or false, got a string that is not one"),
        bad(
            MINIMAL + "staticClients:\n- app",
            NO_ENV,
            "staticClients[0]",
            "expected a mapping, got a string"),
        bad(
            MINIMAL + "oauth2: {grantTypes: [[authorization_code]]}",
            NO_ENV,
            "oauth2.grantTypes[0]",
            "expected a string, got a list"),
        bad(MINIMAL + "expiry: 5", NO_ENV, "expiry", "expected a mapping, got a number"),
        bad(
            MINIMAL + "staticClients: {id: app}",
            NO_ENV,
            "staticClients",
            "expected a list, got a mapping"),
        bad(
            MINIMAL + "frontend: {extra: {logo: [a, b]}}",
            NO_ENV,
            "frontend.extra.logo",
            "expected a string, got a list"),
        bad(base("web: {htp: ':5556', http: ':5556'}"), STRICT, "web.htp", "unknown field \"htp\""),
        bad(
            MINIMAL + "signer: {type: local, config: {keysRotationPeriod: 6h, algo: ES256}}",
            STRICT,
            "signer.config.algo",
            "unknown field \"algo\""));
  }

  /** MINIMAL with its web section replaced. */
  private static String base(String web) {
    return "issuer: https://dex.example.com\nstorage:\n  type: memory\n" + web + "\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsTheProblemAtItsKey(
      String name, String yaml, Map<String, String> env, Problem expected) {
    assertThat(Fixtures.problems(yaml, env)).contains(expected);
  }
}
