package dev.ferry.endpoint;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.mock.MockCallbackConnectorFactory;
import dev.ferry.connector.mock.MockPasswordConnectorFactory;
import dev.ferry.cpu.CpuLane;
import dev.ferry.endpoint.auth.AuthFlow;
import dev.ferry.endpoint.auth.AuthSettings;
import dev.ferry.endpoint.discovery.DiscoveryEndpoint;
import dev.ferry.endpoint.discovery.KeysEndpoint;
import dev.ferry.endpoint.health.LivenessEndpoint;
import dev.ferry.endpoint.health.StorageHealthCheck;
import dev.ferry.endpoint.health.TelemetryHealthEndpoint;
import dev.ferry.endpoint.health.WebHealthEndpoint;
import dev.ferry.endpoint.introspect.IntrospectionEndpoint;
import dev.ferry.endpoint.routes.Routes;
import dev.ferry.endpoint.token.ClientAssertions;
import dev.ferry.endpoint.token.ClientAuthenticator;
import dev.ferry.endpoint.token.ConnectorPolicy;
import dev.ferry.endpoint.token.Grant;
import dev.ferry.endpoint.token.IssuerIdentity;
import dev.ferry.endpoint.token.TokenEndpoint;
import dev.ferry.endpoint.token.grant.GrantCatalogue;
import dev.ferry.endpoint.token.grant.TokenExchangeMetrics;
import dev.ferry.endpoint.userinfo.UserinfoEndpoint;
import dev.ferry.http.CpuWorkers;
import dev.ferry.http.HttpMetrics;
import dev.ferry.http.HttpServer;
import dev.ferry.http.HttpServerSettings;
import dev.ferry.http.MetricsEndpoint;
import dev.ferry.http.Router;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.FederatedCredentials;
import dev.ferry.policy.NoOpSubjectPolicy;
import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SingleUse;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.signer.CpuBoundSigner;
import dev.ferry.signer.Signer;
import dev.ferry.signer.StaticSigner;
import dev.ferry.storage.Client;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.Storage;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.token.RefreshPolicy;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.TokenIssuer;
import dev.ferry.token.TokenVerifier;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A Ferry web and telemetry listener on 127.0.0.1 wired the way the server wires them, over
 * MemoryStorage with Dex's server-test fixture (Dex: server/helpers_test.go newTestServer): client
 * {@code client_1}/{@code secret_1} and connector {@code mock} of type {@code mockCallback}.
 * Requests go through real HTTP.
 */
public final class WebFixture implements AutoCloseable {
  public static final String CLIENT_ID = "client_1";
  public static final String CLIENT_SECRET = "secret_1";
  public static final Instant START = Instant.parse("2026-03-04T05:06:07Z");
  public static final List<String> ALL_GRANTS =
      List.of(
          GrantTypes.AUTHORIZATION_CODE,
          GrantTypes.CLIENT_CREDENTIALS,
          GrantTypes.DEVICE_CODE,
          GrantTypes.IMPLICIT,
          GrantTypes.PASSWORD,
          GrantTypes.REFRESH_TOKEN,
          GrantTypes.TOKEN_EXCHANGE);

  private static final RSAKey KEY = newKey();

  public final String issuer;
  public final Storage storage;
  public final Signer signer;
  public final TickingClock clock;
  public final StorageHealthCheck health;
  public final PrometheusRegistry registry;

  /** The login pages the flow asked for, in order (a recording stand-in for the real pages). */
  public final RecordingPages pages = new RecordingPages();

  /** Every audit record the token exchange wrote, in order. */
  public final List<AuditRecord> audits = new CopyOnWriteArrayList<>();

  private final HttpServer web;
  private final HttpServer telemetry;
  private final CpuWorkers workers;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private WebFixture(Builder b) throws Exception {
    issuer = b.issuer;
    storage = b.storage;
    signer = b.signer;
    clock = new TickingClock(START, Duration.ofMillis(1));
    storage.clients().create(Client.of(CLIENT_ID, CLIENT_SECRET, "Client 1"));
    storage
        .connectors()
        .create(
            new dev.ferry.storage.Connector("mock", "mockCallback", "Mock", "1", "{}", List.of()));
    b.setup.accept(storage);

    SecureRandom random = new SecureRandom();
    HttpServerSettings settings =
        b.settings.apply(HttpServerSettings.builder().httpAddress("127.0.0.1:0")).build();
    workers = new CpuWorkers(settings);
    TokenIssuer issuerService =
        new TokenIssuer(
            issuer,
            new CpuBoundSigner(signer, workers),
            storage.clients()::get,
            Duration.ofHours(24),
            clock,
            random);
    TokenVerifier verifier = new TokenVerifier(issuer, signer, clock);
    ConnectorLookup connectors = b.connectors.apply(storage, workers);
    registry = HttpMetrics.newRegistry("test");
    RefreshTokens refreshTokens =
        new RefreshTokens(storage, b.refreshPolicy, clock, new IdGenerator(random));
    TokenEndpoint token =
        new TokenEndpoint(
            grants(b, issuerService, connectors, refreshTokens),
            b.grantTypes,
            new ClientAuthenticator(
                storage,
                new ClientAssertions(
                    b.federated, connectors, b.policy, b.ledger, IssuerIdentity.of(issuer))),
            new ConnectorPolicy(connectors));
    health = new StorageHealthCheck(storage, clock, new IdGenerator(random));
    Router webRouter =
        Routes.web(
                Router.builder(URI.create(issuer).getRawPath(), random)
                    .settings(settings)
                    .metrics(new HttpMetrics(registry)),
                new DiscoveryEndpoint(
                    issuer, signer, b.grantTypes, List.of("code"), List.of("S256", "plain")),
                new KeysEndpoint(signer),
                token,
                new UserinfoEndpoint(verifier, workers),
                new IntrospectionEndpoint(issuer, verifier, storage, workers, refreshTokens),
                new WebHealthEndpoint(health),
                new AuthFlow(
                    storage,
                    connectors,
                    pages,
                    issuerService,
                    verifier,
                    workers,
                    clock,
                    random,
                    b.auth.apply(
                        new AuthSettings(
                            issuer,
                            List.of("code"),
                            false,
                            List.of("S256", "plain"),
                            false,
                            true,
                            Duration.ofHours(24)))))
            .build();
    web = new HttpServer(settings, webRouter);
    Router telemetryRouter =
        Routes.telemetry(
                Router.builder("", random),
                new MetricsEndpoint(registry),
                new TelemetryHealthEndpoint(health),
                new LivenessEndpoint())
            .build();
    telemetry =
        new HttpServer(
            HttpServerSettings.builder().httpAddress("127.0.0.1:0").build(), telemetryRouter);
    web.start();
    telemetry.start();
  }

  /** The server's grants, from the catalogue the server builds from, then the test's own. */
  private List<Grant<?, ?>> grants(
      Builder b,
      TokenIssuer issuerService,
      ConnectorLookup connectors,
      RefreshTokens refreshTokens) {
    List<Grant<?, ?>> grants =
        new ArrayList<>(
            GrantCatalogue.build(
                new GrantCatalogue.Dependencies(
                    issuerService,
                    b.policy,
                    b.ledger,
                    audits::add,
                    new TokenExchangeMetrics(registry),
                    clock,
                    IssuerIdentity.of(issuer),
                    new ConnectorIssuers(storage, connectors, clock),
                    storage,
                    connectors,
                    refreshTokens,
                    b.passwordConnector)));
    grants.addAll(b.extraGrants);
    return grants;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static WebFixture start() throws Exception {
    return builder().build();
  }

  /** The signing key's public half, for tests that verify tokens themselves. */
  public static RSAKey key() {
    return KEY;
  }

  public String webBase() {
    String path = URI.create(issuer).getRawPath();
    return "http://127.0.0.1:"
        + web.httpPort().orElseThrow()
        + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
  }

  public String telemetryBase() {
    return "http://127.0.0.1:" + telemetry.httpPort().orElseThrow();
  }

  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(webBase() + path)).timeout(Duration.ofSeconds(20));
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  /** POSTs an url-encoded body built from name/value pairs (nulls and empty values omitted). */
  public HttpResponse<String> postForm(String path, Map<String, String> form)
      throws IOException, InterruptedException {
    return postRaw(path, encode(form), "application/x-www-form-urlencoded");
  }

  public HttpResponse<String> postRaw(String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder r = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    if (!contentType.isEmpty()) {
      r.header("Content-Type", contentType);
    }
    return send(r.build());
  }

  /**
   * Sends {@code head} (request line and headers, without the blank line) and {@code body} over a
   * plain socket, for requests java.net.http refuses to build (malformed escapes in the URI).
   * Returns the whole raw response; the connection is closed by the request.
   */
  public String raw(String head, byte[] body) throws IOException {
    try (Socket socket =
        new Socket(InetAddress.getLoopbackAddress(), web.httpPort().orElseThrow())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (head
                  + "\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A valid token exchange form (the defaults of Dex's server/server_grant_tokenexchange_test.go
   * TestHandleTokenExchange), as an ordered, editable map.
   */
  public static Map<String, String> exchangeForm() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.TOKEN_EXCHANGE);
    form.put("client_id", CLIENT_ID);
    form.put("client_secret", CLIENT_SECRET);
    form.put("connector_id", "mock");
    form.put("scope", "openid");
    form.put("requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
    form.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
    form.put("subject_token", "foobar");
    return form;
  }

  public static String encode(Map<String, String> form) {
    List<String> pairs = new ArrayList<>();
    form.forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        pairs.add(
            URLEncoder.encode(k, StandardCharsets.UTF_8)
                + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    });
    return String.join("&", pairs);
  }

  @Override
  public void close() throws Exception {
    web.close();
    telemetry.close();
    workers.close();
    http.close();
  }

  private static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048)
          .keyID("0123456789abcdef0123456789abcdef01234567")
          .algorithm(JWSAlgorithm.RS256)
          .keyUse(KeyUse.SIGNATURE)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's connector cache, reduced: open from storage on every lookup. */
  public static final class StorageConnectors implements ConnectorLookup {
    private final Storage storage;

    public StorageConnectors(Storage storage) {
      this.storage = storage;
    }

    @Override
    public Optional<OpenedConnector> get(String id) {
      return storage
          .connectors()
          .get(id)
          .flatMap(definition -> {
            try {
              Connector c =
                  switch (definition.type()) {
                    case MockCallbackConnectorFactory.TYPE ->
                        new MockCallbackConnectorFactory().open(id, definition.config());
                    case MockPasswordConnectorFactory.TYPE ->
                        new MockPasswordConnectorFactory().open(id, definition.config());
                    default -> new Connector() {};
                  };
              return Optional.of(new OpenedConnector(definition, c));
            } catch (ConnectorException e) {
              return Optional.empty();
            }
          });
    }
  }

  /** Options; everything defaults to Dex's server-test setup. */
  public static final class Builder {
    private String issuer = "http://127.0.0.1:5556/dex";
    private Storage storage = new MemoryStorage();
    private Signer signer = new StaticSigner(KEY);
    private List<String> grantTypes = ALL_GRANTS;
    private UnaryOperator<HttpServerSettings.Builder> settings = s -> s;
    private Consumer<Storage> setup = s -> {};
    private BiFunction<Storage, CpuLane, ConnectorLookup> connectors =
        (storage, cpu) -> new StorageConnectors(storage);
    private SubjectPolicy policy = new NoOpSubjectPolicy();
    private ReplayLedger ledger = new InMemoryLedger();
    private FederatedCredentials federated = FederatedCredentials.none();
    private final List<Grant<?, ?>> extraGrants = new ArrayList<>();
    private UnaryOperator<AuthSettings> auth = s -> s;
    private RefreshPolicy refreshPolicy = RefreshPolicy.DEFAULT;
    private String passwordConnector = "";

    /** {@code expiry.refreshTokens}; Dex's defaults (rotation, no expiry) unless set. */
    public Builder refreshPolicy(RefreshPolicy value) {
      refreshPolicy = value;
      return this;
    }

    /** {@code oauth2.passwordConnector}; unset by default. */
    public Builder passwordConnector(String value) {
      passwordConnector = value;
      return this;
    }

    public Builder issuer(String value) {
      issuer = value;
      return this;
    }

    public Builder storage(Storage value) {
      storage = value;
      return this;
    }

    public Builder signer(Signer value) {
      signer = value;
      return this;
    }

    public Builder grantTypes(List<String> value) {
      grantTypes = value;
      return this;
    }

    public Builder settings(UnaryOperator<HttpServerSettings.Builder> value) {
      settings = value;
      return this;
    }

    public Builder setup(Consumer<Storage> value) {
      setup = value;
      return this;
    }

    /**
     * A grant served besides the catalogue's, for tests of the token endpoint's shared steps; its
     * grant type must be in {@link #grantTypes} to be served.
     */
    public Builder extraGrant(Grant<?, ?> value) {
      extraGrants.add(value);
      return this;
    }

    public Builder connectorsFrom(Function<Storage, ConnectorLookup> value) {
      connectors = (storage, cpu) -> value.apply(storage);
      return this;
    }

    /** Connectors that verify on the fixture's CPU workers, as the server's do. */
    public Builder connectorsWith(BiFunction<Storage, CpuLane, ConnectorLookup> value) {
      connectors = value;
      return this;
    }

    /** The policy the token exchange grant consults; Dex's behaviour (allow all) by default. */
    public Builder policy(SubjectPolicy value) {
      policy = value;
      return this;
    }

    /** Where single-use tokens are recorded; an in-memory set by default. */
    public Builder ledger(ReplayLedger value) {
      ledger = value;
      return this;
    }

    /** The clients' federated credentials (client authentication by assertion); none by default. */
    public Builder federatedCredentials(FederatedCredentials value) {
      federated = value;
      return this;
    }

    /**
     * The login flow's settings, from Dex's server-test defaults: response type {@code code}, PKCE
     * optional with both methods, no forced login screen, approval skipped, 24h requests.
     */
    public Builder auth(UnaryOperator<AuthSettings> value) {
      auth = value;
      return this;
    }

    public WebFixture build() throws Exception {
      return new WebFixture(this);
    }
  }

  /** A ledger for one fixture: first use wins, in memory. */
  private static final class InMemoryLedger implements ReplayLedger {
    private final Set<String> used = ConcurrentHashMap.newKeySet();

    @Override
    public boolean recordFirstUse(SingleUse use) {
      return used.add(use.issuer() + "\n" + use.jti());
    }
  }
}
