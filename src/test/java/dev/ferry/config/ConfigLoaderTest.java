package dev.ferry.config;

import static dev.ferry.config.Fixtures.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.oauth2.GrantTypes;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String HASH = "$2a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy";

  @TempDir Path dir;

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(Objects.requireNonNull(ConfigLoaderTest.class.getResource(name)).toURI());
  }

  @Test
  void loadsDexsDistributedExampleConfig() throws Exception {
    FerryConfig config = new ConfigLoader(Map.of()).load(resource("/config/dex-config.yaml.dist"));

    assertThat(config.issuer()).isEqualTo("http://127.0.0.1:5556/dex");
    assertThat(config.storage().type()).isEqualTo("memory");
    assertThat(config.web().http()).isEqualTo("127.0.0.1:5556");
    assertThat(config.enablePasswordDb()).isTrue();
    assertThat(config.staticClients()).isEmpty();
    assertThat(config.effectiveGrantTypes())
        .containsExactly(
            GrantTypes.AUTHORIZATION_CODE,
            GrantTypes.REFRESH_TOKEN,
            GrantTypes.DEVICE_CODE,
            GrantTypes.TOKEN_EXCHANGE);
    assertThat(config.unsupportedFeatures()).isEmpty();
  }

  @Test
  void loadsDexsDevelopmentConfig() throws Exception {
    FerryConfig config = new ConfigLoader(Map.of()).load(resource("/config/dex-config.dev.yaml"));

    assertThat(config.storage().type()).isEqualTo("sqlite3");
    assertThat(config.storage().config().get("file").asText()).isEqualTo("var/sqlite/dex.db");
    assertThat(config.telemetry().http()).isEqualTo("127.0.0.1:5558");
    assertThat(config.grpc().addr()).isEqualTo("127.0.0.1:5557");
    StaticClient client = config.staticClients().get(0);
    assertThat(client.id()).isEqualTo("example-app");
    assertThat(client.secret()).isEqualTo("ZXhhbXBsZS1hcHAtc2VjcmV0");
    assertThat(client.redirectUris()).containsExactly("http://127.0.0.1:5555/callback");
    ConnectorConfig mock = config.connectors().get(0);
    assertThat(List.of(mock.type(), mock.id(), mock.name()))
        .containsExactly("mockCallback", "mock", "Example");
    assertThat(mock.config().isEmpty()).isTrue();
    StaticPassword admin = config.staticPasswords().get(0);
    assertThat(admin.email()).isEqualTo("admin@example.com");
    assertThat(admin.hash())
        .isEqualTo("$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W");
    assertThat(admin.userId()).isEqualTo("08a8684b-db88-4b73-90a9-3cd1661f5466");
    assertThat(admin.emailVerified()).isTrue();
    assertThat(config.unsupportedFeatures()).containsExactly("grpc.addr");
  }

  @Test
  void appliesDexsDefaults() throws Exception {
    FerryConfig config = Fixtures.load(MINIMAL);

    assertThat(config.expiry().idTokens()).isEqualTo(Duration.ofHours(24));
    assertThat(config.expiry().authRequests()).isEqualTo(Duration.ofHours(24));
    assertThat(config.expiry().deviceRequests()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.expiry().signingKeys()).isEqualTo(Duration.ofHours(6));
    assertThat(config.expiry().refreshTokens())
        .isEqualTo(new RefreshTokensConfig(false, Duration.ZERO, Duration.ZERO, Duration.ZERO));
    assertThat(config.signer()).isEqualTo(new LocalSignerConfig(Duration.ofHours(6), "RS256"));
    assertThat(config.oauth2().responseTypes()).containsExactly("code");
    assertThat(config.oauth2().grantTypes()).isEmpty();
    assertThat(config.oauth2().pkce().enforce()).isFalse();
    assertThat(config.oauth2().pkce().codeChallengeMethodsSupported())
        .containsExactly("S256", "plain");
    assertThat(config.web().allowedHeaders()).containsExactly("Authorization");
    assertThat(config.web().allowedOrigins()).isEmpty();
    assertThat(config.web().headers().asMap()).isEmpty();
    assertThat(config.logger()).isEqualTo(new LoggerConfig(LogLevel.INFO, LogFormat.TEXT, null));
    assertThat(config.frontend().issuer()).isEqualTo("dex");
    assertThat(config.frontend().theme()).isEqualTo("light");
    assertThat(config.frontend().dir()).isEmpty();
    assertThat(config.telemetry().http()).isEmpty();
    assertThat(config.sessions()).isNull();
    assertThat(config.mfa().isConfigured()).isFalse();
    assertThat(config.featureFlags()).isEqualTo(FeatureFlags.DEFAULTS);
    assertThat(config.enablePasswordDb()).isFalse();
  }

  @Test
  void emptyListsTakeDexsDefaultsToo() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            issuer: https://dex.example.com
            storage: {type: memory}
            web: {http: ':5556', allowedHeaders: []}
            oauth2: {responseTypes: [], pkce: {codeChallengeMethodsSupported: []}}
            """);

    assertThat(config.web().allowedHeaders()).containsExactly("Authorization");
    assertThat(config.oauth2().responseTypes()).containsExactly("code");
    assertThat(config.oauth2().pkce().codeChallengeMethodsSupported())
        .containsExactly("S256", "plain");
  }

  /** The file of Dex's TestUnmarshalConfig, with its TLS versions made valid. */
  @Test
  void readsEverySectionOfDexsUnmarshalTest() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            issuer: http://127.0.0.1:5556/dex
            storage:
              type: postgres
              config:
                host: 10.0.0.1
                port: 65432
                maxOpenConns: 5
                maxIdleConns: 3
                connMaxLifetime: 30
                connectionTimeout: 3
            web:
              https: 127.0.0.1:5556
              tlsCert: /etc/dex/tls.crt
              tlsKey: /etc/dex/tls.key
              tlsMinVersion: 1.2
              tlsMaxVersion: 1.3
              headers:
                Strict-Transport-Security: "max-age=31536000; includeSubDomains"
            frontend:
              dir: ./web
              extra:
                foo: bar
            staticClients:
            - id: example-app
              redirectURIs:
              - 'http://127.0.0.1:5555/callback'
              name: 'Example App'
              secret: ZXhhbXBsZS1hcHAtc2VjcmV0
            oauth2:
              alwaysShowLoginScreen: true
              grantTypes:
              - refresh_token
              - "urn:ietf:params:oauth:grant-type:token-exchange"
            connectors:
            - type: mockCallback
              id: mock
              name: Example
            - type: oidc
              id: google
              name: Google
              config:
                issuer: https://accounts.google.com
                clientID: foo
                clientSecret: bar
                redirectURI: http://127.0.0.1:5556/dex/callback/google
            enablePasswordDB: true
            staticPasswords:
            - email: "admin@example.com"
              # bcrypt hash of the string "password"
              hash: "$2a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"
              username: "admin"
              userID: "08a8684b-db88-4b73-90a9-3cd1661f5466"
            - email: "foo@example.com"
              # base64'd value of the same bcrypt hash above
              hash: "JDJhJDEwJDMzRU1UMGNWWVZsUHk2V0FNQ0xzY2VMWWpXaHVIcGJ6NXl1Wnh1L0dBRmowM0o5THl0anV5"
              username: "foo"
              userID: "41331323-6f44-45e6-b3b9-2c4b60c02be5"
            expiry:
              signingKeys: "7h"
              idTokens: "25h"
              authRequests: "25h"
              deviceRequests: "10m"
            logger:
              level: "debug"
              format: "json"
            """);

    assertThat(config.storage().type()).isEqualTo("postgres");
    assertThat(config.storage().config().get("host").asText()).isEqualTo("10.0.0.1");
    assertThat(config.storage().config().get("port").asInt()).isEqualTo(65432);
    assertThat(config.web().https()).isEqualTo("127.0.0.1:5556");
    assertThat(config.web().tlsMinVersion()).isEqualTo("1.2");
    assertThat(config.web().tlsMaxVersion()).isEqualTo("1.3");
    assertThat(config.web().headers().asMap())
        .containsExactly(
            Map.entry("Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
    assertThat(config.frontend().dir()).isEqualTo("./web");
    assertThat(config.frontend().extra()).containsExactly(Map.entry("foo", "bar"));
    assertThat(config.oauth2().alwaysShowLoginScreen()).isTrue();
    assertThat(config.effectiveGrantTypes())
        .containsExactly(GrantTypes.REFRESH_TOKEN, GrantTypes.TOKEN_EXCHANGE);
    assertThat(config.connectors().get(1).config().get("clientSecret").asText()).isEqualTo("bar");
    assertThat(config.staticPasswords())
        .extracting(StaticPassword::hash)
        .containsExactly(HASH, HASH);
    assertThat(config.expiry().idTokens()).isEqualTo(Duration.ofHours(25));
    assertThat(config.expiry().deviceRequests()).isEqualTo(Duration.ofMinutes(10));
    // Without a signer section the deprecated expiry.signingKeys sets the rotation.
    assertThat(config.signer()).isEqualTo(new LocalSignerConfig(Duration.ofHours(7), "RS256"));
    assertThat(config.logger().level()).isEqualTo(LogLevel.DEBUG);
    assertThat(config.logger().format()).isEqualTo(LogFormat.JSON);
    // frontend.dir is served (Ferry-format templates), so nothing here is unsupported.
    assertThat(config.unsupportedFeatures()).isEmpty();
  }

  @Test
  void matchesKeysCaseInsensitivelyAsGosEncodingJsonDoes() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            Issuer: https://dex.example.com
            STORAGE:
              Type: sqlite3
              Config:
                File: ferry.db
            Web:
              HTTP: 127.0.0.1:5556
              content-security-policy: "default-src 'self'"
              Headers:
                x-frame-options: deny
            staticclients:
            - ID: app
              Name: App
              Secret: s
              RedirectUris: [http://localhost/cb]
              PUBLIC: true
            Expiry:
              IDTOKENS: 1h
            """);

    assertThat(config.issuer()).isEqualTo("https://dex.example.com");
    assertThat(config.storage().type()).isEqualTo("sqlite3");
    assertThat(config.storage().config().get("File").asText()).isEqualTo("ferry.db");
    assertThat(config.web().http()).isEqualTo("127.0.0.1:5556");
    assertThat(config.web().headers().xFrameOptions()).isEqualTo("deny");
    assertThat(config.staticClients().get(0).publicClient()).isTrue();
    assertThat(config.staticClients().get(0).redirectUris()).containsExactly("http://localhost/cb");
    assertThat(config.expiry().idTokens()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void ofKeysThatDifferOnlyInCaseTheLastWinsAsInGo() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            issuer: https://a.example.com
            Issuer: https://b.example.com
            storage: {type: memory}
            web: {http: ':5556'}
            """);

    assertThat(config.issuer()).isEqualTo("https://b.example.com");
  }

  @Test
  void anEmptyListItemIsAnEmptyEntryAsInGo() {
    assertThat(Fixtures.problems(MINIMAL + "connectors:\n-\n"))
        .contains(
            new Problem("connectors[0]", "ID, Type and Name fields are required for a connector"));
  }

  @Test
  void aSectionOfTheWrongTypeIsReportedOnce() {
    assertThat(
            Fixtures.problems(
                "issuer: [https://dex.example.com]\nstorage: memory\nweb: {http: ':5556'}\n"))
        .containsExactly(
            new Problem("issuer", "expected a string, got a list"),
            new Problem("storage", "expected a mapping, got a string"));
  }

  @Test
  void ignoresUnknownKeysByDefault() throws Exception {
    FerryConfig config =
        Fixtures.load(MINIMAL + "futureSection: {a: 1}\nweb2: x\noauth2: {grantTypez: [x]}\n");

    assertThat(config.issuer()).isEqualTo("https://dex.example.com");
  }

  @Test
  void strictModeReportsEveryUnknownKeyWithItsPath() {
    List<Problem> problems =
        Fixtures.problems(
            """
            issuer: https://dex.example.com
            issuerr: https://typo.example.com
            storage: {type: memory}
            web:
              http: 127.0.0.1:5556
              htp: 127.0.0.1:5557
              clientRemoteIP: {headr: X-Forwarded-For}
            staticClients:
            - {id: a, name: A, secret: s}
            - {id: b, name: B, secret: s, redirectUri: x}
            """,
            Map.of("DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", "1"));

    assertThat(problems)
        .containsExactlyInAnyOrder(
            new Problem("issuerr", "unknown field \"issuerr\""),
            new Problem("web.htp", "unknown field \"htp\""),
            new Problem("web.clientRemoteIP.headr", "unknown field \"headr\""),
            new Problem("staticClients[1].redirectUri", "unknown field \"redirectUri\""));
  }

  @Test
  void strictModeFlagUsesGoParseBool() throws Exception {
    String yaml = MINIMAL + "typo: 1\n";
    // Not a ParseBool value, so the default (lenient) stays.
    assertThat(Fixtures.load(yaml, Map.of("DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", "yes")))
        .isNotNull();
    assertThat(Fixtures.problems(yaml, Map.of("DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS", "True")))
        .containsExactly(new Problem("typo", "unknown field \"typo\""));
  }

  @Test
  void reportsEveryProblemAtOnceNamingFileAndKey() {
    ConfigException e =
        catchConfigException(
            """
            storage: {type: memory}
            web: {http: 127.0.0.1:5556, allowedOrigins: '*'}
            expiry: {idTokens: 1d}
            staticClients:
            - {id: a, name: A}
            - {id: b, secret: s}
            """);

    assertThat(e.problems())
        .containsExactly(
            new Problem("web.allowedOrigins", "expected a list, got a string"),
            new Problem("expiry.idTokens", "time: unknown unit \"d\" in duration \"1d\""),
            new Problem("issuer", "no issuer specified in config file"),
            new Problem(
                "staticClients[0].secret",
                "Secret or SecretEnv field is required for client \"a\""),
            new Problem("staticClients[1].name", "Name field is required for a client"));
    assertThat(e.getMessage())
        .startsWith("invalid Config:\n\t-\t")
        .contains("\n\t-\tferry-test.yaml: staticClients[1].name: Name field is required")
        .contains("ferry-test.yaml: expiry.idTokens: time: unknown unit");
    assertThat(e.file()).isEqualTo(Path.of(Fixtures.FILE));
  }

  /** Dex's TestInvalidConfiguration: an empty config gives these three, in this order. */
  @Test
  void anEmptyFileReportsDexsThreeProblems() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.yaml"), "");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new Problem("issuer", "no issuer specified in config file"),
                        new Problem("storage", "no storage supplied in config file"),
                        new Problem("web", "must supply a HTTP/HTTPS  address to listen on")));
  }

  @Test
  void aMissingFileIsOneClearProblem() {
    Path file = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage("failed to read config file " + file + ": no such file");
  }

  @Test
  void aDirectoryIsOneClearProblem() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage("failed to read config file " + dir + ": is a directory");
  }

  @Test
  void textThatIsNotYamlNamesTheFileAndLine() throws IOException {
    Path file =
        Files.writeString(dir.resolve("bad.yaml"), "issuer: https://x\nstorage: {type: memory\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("failed to read config file " + file + ": not valid YAML at line ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void bytesThatAreNotUtf8AreOneClearProblem() throws IOException {
    Path file =
        Files.write(
            dir.resolve("latin1.yaml"), "issuer: caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage("failed to read config file " + file + ": not UTF-8 text");
  }

  @Test
  void aTopLevelListIsOneClearProblem() {
    assertThatThrownBy(() -> Fixtures.load("- issuer: https://x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("the top level must be a mapping of config keys, not a list");
  }

  @Test
  void duplicateKeysAreRejected() {
    assertThatThrownBy(() -> Fixtures.load(MINIMAL + "issuer: https://other.example.com\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML")
        .hasMessageContaining("issuer");
  }

  @Test
  void yamlAnchorsAliasesAndMergeKeysResolveAsInDex() throws Exception {
    // Dex reads its file with a YAML 1.1 library that resolves aliases and "<<" merge keys; an
    // alias must never reach the config as the anchor's name (a secret would become "shared").
    FerryConfig config =
        Fixtures.load(
            MINIMAL
                + """
                connectors:
                - type: oidc
                  id: github-actions
                  name: GitHub Actions
                  config: &actions
                    issuer: https://token.actions.githubusercontent.com
                    scopes: &ci-scopes [openid, groups]
                    userNameKey: sub
                - type: oidc
                  id: github-actions-by-repo
                  name: GitHub Actions by repository
                  config:
                    <<: *actions
                    userNameKey: repository
                - type: oidc
                  id: gitlab
                  name: GitLab
                  config:
                    issuer: https://gitlab.com
                    scopes: *ci-scopes
                staticClients:
                - id: a
                  name: A
                  secret: &shared s3cret
                  redirectURIs: &uris [https://a.example/cb]
                - id: b
                  name: B
                  secret: *shared
                  redirectURIs: *uris
                """);

    ConnectorConfig byRepo = config.connectors().get(1);
    assertThat(byRepo.config().get("issuer").asText())
        .isEqualTo("https://token.actions.githubusercontent.com");
    assertThat(byRepo.config().get("userNameKey").asText()).isEqualTo("repository");
    assertThat(byRepo.config().get("scopes").toString()).isEqualTo("[\"openid\",\"groups\"]");
    assertThat(byRepo.config().has("<<")).isFalse();
    assertThat(config.connectors().get(0).config().get("userNameKey").asText()).isEqualTo("sub");
    assertThat(config.connectors().get(2).config().get("scopes").toString())
        .isEqualTo("[\"openid\",\"groups\"]");
    StaticClient b = config.staticClients().get(1);
    assertThat(b.secret()).isEqualTo("s3cret");
    assertThat(b.redirectUris()).containsExactly("https://a.example/cb");
  }

  @Test
  void mergeKeysTakeEarlierSourcesFirstAndNeverOverrideExplicitKeys() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            defaults: &defaults {type: sqlite3, config: {file: a.db}}
            other: &other {type: memory, config: {file: b.db}}
            issuer: https://dex.example.com
            web: {http: 127.0.0.1:5556}
            storage:
              config: {file: explicit.db}
              <<: [*other, *defaults]
            """);
    assertThat(config.storage().type()).isEqualTo("memory");
    assertThat(config.storage().config().get("file").asText()).isEqualTo("explicit.db");
  }

  @Test
  void anAliasToAnUnknownAnchorOrABadMergeIsOneClearProblem() {
    assertThatThrownBy(() -> Fixtures.load(MINIMAL + "staticClients: *nope\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML at line 6")
        .hasMessageContaining("undefined alias nope");
    assertThatThrownBy(() -> Fixtures.load("s: &s x\nstorage:\n  <<: *s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML at line 3")
        .hasMessageContaining("merge");
  }

  @Test
  void commandLineListenAddressesApplyBeforeValidation() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("no-web.yaml"),
            "issuer: https://dex.example.com\nstorage: {type: memory}\ngrpc: {addr: ':1'}\n");

    FerryConfig config =
        new ConfigLoader(Map.of())
            .load(file, new ListenOverrides("0.0.0.0:8080", "", "0.0.0.0:8081", ":9090"));

    assertThat(config.web().http()).isEqualTo("0.0.0.0:8080");
    assertThat(config.telemetry().http()).isEqualTo("0.0.0.0:8081");
    assertThat(config.grpc().addr()).isEqualTo(":9090");
  }

  @Test
  void readsIdEnvSecretEnvAndHashFromEnv() throws Exception {
    FerryConfig config =
        Fixtures.load(
            MINIMAL
                + """
                staticClients:
                - {idEnv: APP_ID, secretEnv: APP_SECRET, name: App}
                - {idEnv: UNSET_ID, name: Public, public: true}
                enablePasswordDB: true
                staticPasswords:
                - {email: foo@example.com, hashFromEnv: FOO_HASH, emailVerified: false}
                """,
            Map.of("APP_ID", "app", "APP_SECRET", "s3cret", "FOO_HASH", HASH));

    assertThat(config.staticClients().get(0).id()).isEqualTo("app");
    assertThat(config.staticClients().get(0).secret()).isEqualTo("s3cret");
    assertThat(config.staticClients().get(0).idEnv()).isEqualTo("APP_ID");
    // Dex: an unset variable gives an empty value and no error.
    assertThat(config.staticClients().get(1).id()).isEmpty();
    assertThat(config.staticPasswords().get(0).hash()).isEqualTo(HASH);
    assertThat(config.staticPasswords().get(0).emailVerified()).isFalse();
    assertThat(config.storageClients().get(0).secret()).isEqualTo("s3cret");
  }

  @Test
  void vaultSignerFallsBackToVaultEnvironment() throws Exception {
    Map<String, String> env =
        Map.of("VAULT_ADDR", "https://vault:8200", "VAULT_TOKEN", "hvs.t0k3n");

    FerryConfig fromEnv =
        Fixtures.load(MINIMAL + "signer: {type: vault, config: {keyName: dex}}", env);
    FerryConfig fromFile =
        Fixtures.load(
            MINIMAL
                + "signer: {type: vault, config: {keyName: dex, addr: 'https://v2', token: t2}}",
            env);

    assertThat(fromEnv.signer())
        .isEqualTo(new VaultSignerConfig("https://vault:8200", "hvs.t0k3n", "dex"));
    assertThat(fromEnv.signer().toString()).doesNotContain("hvs.t0k3n");
    assertThat(fromFile.signer()).isEqualTo(new VaultSignerConfig("https://v2", "t2", "dex"));
    assertThat(fromEnv.unsupportedFeatures()).containsExactly("signer.type: vault");
  }

  @Test
  void explicitLocalSignerTakesItsOwnPeriodAndAlgorithm() throws Exception {
    FerryConfig config =
        Fixtures.load(
            MINIMAL
                + "expiry: {signingKeys: 7h}\n"
                + "signer: {type: local, config: {keysRotationPeriod: 90m, algorithm: ES256}}\n");

    assertThat(config.signer()).isEqualTo(new LocalSignerConfig(Duration.ofMinutes(90), "ES256"));
  }

  @Test
  void frontendDirFallsBackToDexFrontendDir() throws Exception {
    Map<String, String> env = Map.of("DEX_FRONTEND_DIR", "/srv/web");

    assertThat(Fixtures.load(MINIMAL, env).frontend().dir()).isEqualTo("/srv/web");
    assertThat(Fixtures.load(MINIMAL + "frontend: {dir: ./mine}", env).frontend().dir())
        .isEqualTo("./mine");
  }

  @Test
  void listsFeaturesThatAreParsedButNotServed() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            issuer: https://dex.example.com
            storage: {type: etcd, config: {endpoints: ['http://127.0.0.1:2379']}}
            web: {http: ':5556'}
            telemetry: {http: ':5558', enableProfiling: true}
            grpc: {addr: ':5557'}
            signer: {type: vault, config: {keyName: dex}}
            frontend: {dir: ./web}
            sessions: {}
            mfa: {authenticators: [{id: totp, type: TOTP}]}
            """,
            Map.of("DEX_SESSIONS_ENABLED", "true"));

    assertThat(config.unsupportedFeatures())
        .containsExactly(
            "storage.type: etcd",
            "grpc.addr",
            "telemetry.enableProfiling",
            "signer.type: vault",
            "sessions",
            "mfa");
    SessionsConfig sessions = Objects.requireNonNull(config.sessions());
    assertThat(sessions.cookieName()).isEqualTo("dex_session");
    assertThat(sessions.absoluteLifetime()).isEqualTo(Duration.ofHours(24));
    assertThat(sessions.validIfNotUsedFor()).isEqualTo(Duration.ofHours(1));
    assertThat(sessions.ssoSharedWithDefault()).isEqualTo("none");
  }

  @Test
  void problemsNeverQuoteAValueThatCouldBeASecret() {
    ConfigException e =
        catchConfigException(
            MINIMAL
                + "staticClients:\n- {id: app, name: App, secret: [hunter2-secret]}\n"
                + "enablePasswordDB: true\n"
                + "staticPasswords:\n- {email: a@x.com, hash: not-a-hash-hunter3}\n");

    assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("hunter3");
    assertThat(e.problems())
        .contains(new Problem("staticClients[0].secret", "expected a string, got a list"));
  }

  @Test
  void toStringLeavesSecretsOut() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            issuer: https://dex.example.com
            storage: {type: postgres, config: {password: pg-secret}}
            web: {http: ':5556'}
            connectors:
            - {type: oidc, id: gh, name: GH, config: {clientSecret: oidc-secret}}
            staticClients:
            - {id: app, name: App, secret: client-secret}
            enablePasswordDB: true
            staticPasswords:
            - {email: a@x.com, hash: '$2a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy'}
            """);

    assertThat(config.toString())
        .doesNotContain("pg-secret", "oidc-secret", "client-secret", "33EMT0cVYVlPy6WAM");
  }

  @Test
  void loadedConfigBlocksCannotBeChangedByCallers() throws Exception {
    FerryConfig config =
        Fixtures.load(MINIMAL + "connectors:\n- {type: oidc, id: a, name: A, config: {issuer: x}}");

    config.connectors().get(0).config().put("issuer", "changed");

    assertThat(config.connectors().get(0).config().get("issuer").asText()).isEqualTo("x");
  }

  private static ConfigException catchConfigException(String yaml) {
    try {
      Fixtures.load(yaml);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected a ConfigException");
  }
}
