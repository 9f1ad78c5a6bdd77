package dev.ferry.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.server.RunningFerry;
import dev.ferry.testing.LoopbackHttpServer;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Exchanger} against a real Ferry (started from YAML, with an in-process upstream issuer)
 * for every grant and every kind of client authentication, and against stand-in servers for what a
 * real Ferry never answers: an issuer that is down, not Ferry, or half Ferry.
 */
class ExchangerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A secret with every character RFC 6749 §2.3.1's form-encoding changes. */
  private static final String SECRET = "s3cret: with+odd&chars=%/ü";

  @TempDir static Path dir;
  private static MutableClock clock;
  private static UpstreamIssuer upstream;
  private static RunningFerry ferry;
  private static Path auditFile;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    upstream = UpstreamIssuer.builder().clock(clock).userInfo(false).start();
    auditFile = dir.resolve("audit.jsonl");
    String yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: memory
        web:
          http: ${WEB}
        audit:
          path: %1$s
        oauth2:
          grantTypes:
          - client_credentials
          - urn:ietf:params:oauth:grant-type:token-exchange
          - urn:ietf:params:oauth:grant-type:jwt-bearer
        connectors:
        - type: oidc
          id: ci
          name: CI
          config:
            issuer: %2$s
            scopes: [openid]
            userNameKey: sub
          trust:
            audiences: [ferry]
            rules:
            - name: octo-app
              condition: claims.repository == "octo/app"
              audiences: [billing]
              resources: ["https://api.example.com/v1"]
        staticClients:
        - id: deployer
          name: Deployer
          secret: "%3$s"
        - id: cli
          name: A public client
          public: true
        - id: workload
          name: A federated client
          federatedCredentials:
          - connector: ci
            subject: repo:octo/app
            condition: claims.repository == "octo/app"
        """
            .formatted(auditFile, upstream.issuer(), SECRET);
    ferry = RunningFerry.start(dir, yaml, clock);
  }

  @AfterAll
  static void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  private static Workplace place() {
    return new Workplace(Map.of(), clock);
  }

  private static IssuedToken exchange(ExchangeRequest request, @Nullable String platformToken)
      throws WorkloadException {
    return new Exchanger(place(), TIMEOUT)
        .exchange(request, platformToken == null ? null : new UpstreamToken(platformToken, "test"));
  }

  /** A CI job's token for Ferry, of repository {@code repository}. */
  private static String ciToken(String repository) {
    return upstream
        .token()
        .subject("repo:" + repository)
        .audience("ferry")
        .claim("repository", repository)
        .build();
  }

  private static ExchangeRequest request(
      Grant grant,
      String clientId,
      @Nullable String secret,
      boolean federated,
      @Nullable String connector,
      List<String> scopes,
      List<String> audiences,
      List<String> resources,
      @Nullable String requestedTokenType) {
    return new ExchangeRequest(
        URI.create(ferry.issuer),
        grant,
        clientId,
        secret,
        federated,
        connector,
        scopes,
        audiences,
        resources,
        requestedTokenType);
  }

  private static ExchangeRequest tokenExchange(String clientId, @Nullable String secret) {
    return request(
        Grant.TOKEN_EXCHANGE, clientId, secret, false, "ci", List.of(), List.of(), List.of(), null);
  }

  private static JsonNode payload(String jwt) throws IOException {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  private static void assertIssued(IssuedToken issued) throws IOException {
    JsonNode response = JSON.readTree(issued.response());
    assertThat(response.path("access_token").asText()).isEqualTo(issued.token());
    assertThat(issued.expiresAt())
        .isEqualTo(clock.instant().plusSeconds(response.path("expires_in").asLong()));
    assertThat(payload(issued.token()).path("iss").asText()).isEqualTo(ferry.issuer);
  }

  // ---- each grant and each client authentication, against Ferry

  @Test
  void tokenExchangeWithASecretSendsBasicFormEncodedAndGetsFerrysToken() throws Exception {
    IssuedToken issued =
        exchange(
            request(
                Grant.TOKEN_EXCHANGE,
                "deployer",
                SECRET,
                false,
                "ci",
                List.of("openid", "federated:id"),
                List.of("billing"),
                List.of("https://api.example.com/v1"),
                "id_token"),
            ciToken("octo/app"));

    assertIssued(issued);
    JsonNode response = JSON.readTree(issued.response());
    assertThat(response.path("issued_token_type").asText())
        .isEqualTo("urn:ietf:params:oauth:token-type:id_token");
    JsonNode claims = payload(issued.token());
    assertThat(claims.path("azp").asText()).isEqualTo("deployer");
    assertThat(claims.path("aud"))
        .containsExactly(
            JSON.getNodeFactory().textNode("billing"),
            JSON.getNodeFactory().textNode("https://api.example.com/v1"));
    assertThat(claims.path("federated_claims").path("connector_id").asText()).isEqualTo("ci");
  }

  /**
   * No {@code --scope}: no scope parameter, which Ferry (as Dex) accepts, issuing a token without
   * optional claims for the requesting client.
   */
  @Test
  void tokenExchangeWithoutScopesIsAcceptedForTheRequestingClient() throws Exception {
    IssuedToken issued = exchange(tokenExchange("deployer", SECRET), ciToken("octo/app"));

    assertIssued(issued);
    JsonNode claims = payload(issued.token());
    assertThat(claims.path("aud").asText()).isEqualTo("deployer");
    assertThat(claims.has("federated_claims")).isFalse();
  }

  @Test
  void aPublicClientSendsItsIdInTheForm() throws Exception {
    IssuedToken issued = exchange(tokenExchange("cli", null), ciToken("octo/app"));

    assertIssued(issued);
    assertThat(payload(issued.token()).path("aud").asText()).isEqualTo("cli");
  }

  @Test
  void tokenExchangeAuthenticatedByAFederatedAssertion() throws Exception {
    IssuedToken issued =
        exchange(
            request(
                Grant.TOKEN_EXCHANGE,
                "workload",
                null,
                true,
                "ci",
                List.of("openid"),
                List.of(),
                List.of(),
                "access_token"),
            ciToken("octo/app"));

    assertIssued(issued);
    assertThat(payload(issued.token()).path("aud").asText()).isEqualTo("workload");
  }

  @Test
  void jwtBearerWithAConnector() throws Exception {
    IssuedToken issued =
        exchange(
            request(
                Grant.JWT_BEARER,
                "deployer",
                SECRET,
                false,
                "ci",
                List.of("openid"),
                List.of("billing"),
                List.of(),
                null),
            ciToken("octo/app"));

    assertIssued(issued);
    assertThat(JSON.readTree(issued.response()).has("id_token")).isTrue();
    assertThat(payload(issued.token()).path("aud").asText()).isEqualTo("billing");
  }

  @Test
  void jwtBearerWithoutAConnectorIsRoutedByTheAssertionsIssuer() throws Exception {
    IssuedToken issued =
        exchange(
            request(
                Grant.JWT_BEARER, "cli", null, false, null, List.of(), List.of(), List.of(), null),
            ciToken("octo/app"));

    assertIssued(issued);
    assertThat(payload(issued.token()).path("aud").asText()).isEqualTo("cli");
  }

  @Test
  void clientCredentialsWithASecretNeedsNoPlatformToken() throws Exception {
    IssuedToken issued =
        exchange(
            request(
                Grant.CLIENT_CREDENTIALS,
                "deployer",
                SECRET,
                false,
                null,
                List.of("openid", "profile"),
                List.of(),
                List.of(),
                null),
            null);

    assertIssued(issued);
    JsonNode claims = payload(issued.token());
    assertThat(claims.path("aud").asText()).isEqualTo("deployer");
    assertThat(claims.path("name").asText()).isEqualTo("Deployer");
  }

  @Test
  void clientCredentialsOfAFederatedClient() throws Exception {
    IssuedToken issued =
        exchange(
            request(
                Grant.CLIENT_CREDENTIALS,
                "workload",
                null,
                true,
                null,
                List.of(),
                List.of(),
                List.of(),
                null),
            ciToken("octo/app"));

    assertIssued(issued);
    assertThat(payload(issued.token()).path("aud").asText()).isEqualTo("workload");
  }

  // ---- Ferry refuses

  @Test
  void aTrustRuleRefusalIsOneLineWithFerrysRequestId() throws Exception {
    assertThatThrownBy(() -> exchange(tokenExchange("deployer", SECRET), ciToken("evil/app")))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
              String requestId = deniedRequestId();
              assertThat(e.getMessage())
                  .isEqualTo(
                      "access_denied: The subject token is not allowed by the connector's trust"
                          + " rules. (request id "
                          + requestId
                          + ")");
            });
  }

  /** The request id of the one audit record of a refusal by the trust rules. */
  private static String deniedRequestId() {
    try {
      List<String> ids = new ArrayList<>();
      for (String line : Files.readAllLines(auditFile, StandardCharsets.UTF_8)) {
        JsonNode record = JSON.readTree(line);
        if (record.path("error").asText().equals("access_denied")) {
          ids.add(record.path("request_id").asText());
        }
      }
      assertThat(ids).hasSize(1);
      return ids.get(0);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aWrongSecretIsInvalidClientWithoutTheSecret() {
    assertThatThrownBy(
            () -> exchange(tokenExchange("deployer", "wrong-secret"), ciToken("octo/app")))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
              assertThat(e.getMessage())
                  .matches("invalid_client: Invalid client credentials\\. \\(request id [^ ()]+\\)")
                  .doesNotContain("wrong-secret");
            });
  }

  @Test
  void anIssuerThatIsNotExactlyFerrysIsRefusedBeforeAnyTokenIsSent() throws Exception {
    ExchangeRequest slash =
        new ExchangeRequest(
            URI.create(ferry.issuer + "/"),
            Grant.TOKEN_EXCHANGE,
            "deployer",
            SECRET,
            false,
            "ci",
            List.of(),
            List.of(),
            List.of(),
            null);

    assertThatThrownBy(() -> exchange(slash, ciToken("octo/app")))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "the discovery document at "
                          + ferry.issuer
                          + "/.well-known/openid-configuration names the issuer "
                          + ferry.issuer
                          + ", not "
                          + ferry.issuer
                          + "/: --issuer must be exactly the issuer Ferry is configured with");
            });
  }

  // ---- not Ferry, or not there

  /** A request a stand-in server saw. */
  record Seen(String method, String path, @Nullable String authorization, String body) {}

  /** A stand-in issuer answering each path with {@code answer}, recording every request. */
  private static final class StandIn implements AutoCloseable {
    final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    final LoopbackHttpServer server;

    StandIn(Function<String, Reply> answer) throws IOException {
      server =
          LoopbackHttpServer.start(
              "stand-in",
              false,
              exchange -> {
                String body =
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(
                    new Seen(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        body));
                answer.apply(exchange.getRequestURI().getPath()).send(exchange);
              });
    }

    String issuer() {
      return server.baseUrl() + "/dex";
    }

    @Override
    public void close() {
      server.close();
    }
  }

  record Reply(int status, String contentType, String body, Map<String, String> headers) {
    Reply(int status, String contentType, String body) {
      this(status, contentType, body, Map.of());
    }

    void send(HttpExchange exchange) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static final String HTML_404 = "<html><body>404 page not found</body></html>";

  /** A discovery document of {@code issuer} with {@code extra} fields, as JSON text. */
  private static String discovery(String issuer, String extra) {
    return "{\"issuer\":\"" + issuer + "\"" + extra + "}";
  }

  /** A stand-in whose discovery is right and whose token endpoint answers {@code token}. */
  private static StandIn ferryLike(Reply token) throws IOException {
    StandIn[] self = new StandIn[1];
    self[0] =
        new StandIn(path ->
            path.endsWith(Exchanger.DISCOVERY_PATH)
                ? new Reply(
                    200,
                    "application/json",
                    discovery(
                        self[0].issuer(), ",\"token_endpoint\":\"" + self[0].issuer() + "/token\""))
                : token);
    return self[0];
  }

  private static ExchangeRequest at(String issuer, @Nullable String secret) {
    return new ExchangeRequest(
        URI.create(issuer),
        Grant.TOKEN_EXCHANGE,
        "deployer",
        secret,
        false,
        "ci",
        List.of("openid"),
        List.of(),
        List.of(),
        null);
  }

  private static WorkloadException failure(String issuer) {
    return failure(issuer, TIMEOUT);
  }

  private static WorkloadException failure(String issuer, Duration timeout) {
    try {
      new Exchanger(place(), timeout)
          .exchange(at(issuer, SECRET), new UpstreamToken("platform-token", "test"));
    } catch (WorkloadException e) {
      assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("platform-token");
      return e;
    }
    throw new AssertionError("the exchange succeeded");
  }

  @Test
  void anIssuerThatIsDownIsANetworkFailure() throws Exception {
    int port = RunningFerry.freePort();
    WorkloadException e = failure("http://127.0.0.1:" + port + "/dex");

    assertThat(e.failure()).isEqualTo(Failure.NETWORK);
    assertThat(e.getMessage())
        .isEqualTo(
            "cannot reach http://127.0.0.1:"
                + port
                + "/dex/.well-known/openid-configuration: connection refused");
  }

  @Test
  void anUnknownHostIsANetworkFailure() {
    WorkloadException e = failure("https://ferry.invalid");

    assertThat(e.failure()).isEqualTo(Failure.NETWORK);
    assertThat(e.getMessage())
        .isEqualTo(
            "cannot reach https://ferry.invalid/.well-known/openid-configuration: unknown host");
  }

  @Test
  void aTlsFailureIsANetworkFailure() throws Exception {
    // The test certificate is its own root, which this JVM does not trust.
    try (LoopbackHttpServer https =
        LoopbackHttpServer.start("tls", true, exchange -> exchange.sendResponseHeaders(500, -1))) {
      WorkloadException e = failure(https.baseUrl());

      assertThat(e.failure()).isEqualTo(Failure.NETWORK);
      assertThat(e.getMessage())
          .startsWith(
              "cannot reach " + https.baseUrl() + "/.well-known/openid-configuration: TLS failed");
    }
  }

  @Test
  void anUntrustedCertificateIsSaidPlainlyWithoutJdkClassNames() throws Exception {
    // The test certificate is its own root, which this JVM does not trust: a private CA.
    try (LoopbackHttpServer https =
        LoopbackHttpServer.start("tls", true, exchange -> exchange.sendResponseHeaders(500, -1))) {
      WorkloadException e = failure(https.baseUrl());

      assertThat(e.getMessage())
          .isEqualTo(
              "cannot reach "
                  + https.baseUrl()
                  + "/.well-known/openid-configuration: TLS failed: the issuer's certificate is"
                  + " not trusted (PKIX path building failed)");
    }
  }

  @Test
  void otherTlsFailuresKeepTheirMessageWithoutClassNames() {
    assertThat(
            Exchanger.tlsFailed(
                new javax.net.ssl.SSLHandshakeException(
                    "(handshake_failure) java.security.cert.CertificateException: No name matching"
                        + " ferry.example.com found")))
        .isEqualTo("TLS failed ((handshake_failure) No name matching ferry.example.com found)");
    assertThat(Exchanger.tlsFailed(new javax.net.ssl.SSLException((String) null)))
        .isEqualTo("TLS failed");
  }

  @Test
  void anIssuerThatAcceptsAndSaysNothingTimesOut() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    try (LoopbackHttpServer silent =
        LoopbackHttpServer.start(
            "silent",
            false,
            exchange -> {
              try {
                closed.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })) {
      WorkloadException e = failure(silent.baseUrl(), Duration.ofMillis(300));

      assertThat(e.failure()).isEqualTo(Failure.NETWORK);
      assertThat(e.getMessage())
          .isEqualTo(
              "cannot reach "
                  + silent.baseUrl()
                  + "/.well-known/openid-configuration: no answer within 300ms");
    } finally {
      closed.countDown();
    }
  }

  @Test
  void aServerWithoutDiscoveryIsNotFerry() throws Exception {
    try (StandIn web = new StandIn(path -> new Reply(404, "text/html", HTML_404))) {
      WorkloadException e = failure(web.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              web.issuer()
                  + "/.well-known/openid-configuration answered HTTP 404, not an OpenID discovery"
                  + " document: is --issuer right?");
      assertThat(web.seen).hasSize(1);
    }
  }

  @Test
  void aDiscoveryThatIsNotJsonIsNotFerry() throws Exception {
    try (StandIn web = new StandIn(path -> new Reply(200, "text/html", "<html>login</html>"))) {
      WorkloadException e = failure(web.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              web.issuer()
                  + "/.well-known/openid-configuration answered HTTP 200 with something that is"
                  + " not JSON: is --issuer right?");
    }
  }

  @Test
  void aDiscoveryWithoutATokenEndpointIsNotFerry() throws Exception {
    StandIn[] self = new StandIn[1];
    try (StandIn web =
        new StandIn(path ->
            new Reply(
                200,
                "application/json",
                discovery(self[0].issuer(), ",\"jwks_uri\":\"" + self[0].issuer() + "/keys\"")))) {
      self[0] = web;
      WorkloadException e = failure(web.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              web.issuer()
                  + " is not a Ferry issuer: its discovery document has no token_endpoint");
      assertThat(web.seen).hasSize(1);
    }
  }

  @Test
  void aDiscoveryOfAnotherIssuerIsRefusedWithoutSendingTheToken() throws Exception {
    try (StandIn web =
        new StandIn(path ->
            new Reply(
                200,
                "application/json",
                discovery(
                    "https://elsewhere.example\\n",
                    ",\"token_endpoint\":\"https://elsewhere.example/token\"")))) {
      WorkloadException e = failure(web.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              "the discovery document at "
                  + web.issuer()
                  + "/.well-known/openid-configuration names the issuer https://elsewhere.example,"
                  + " not "
                  + web.issuer()
                  + ": --issuer must be exactly the issuer Ferry is configured with");
      assertThat(web.seen).hasSize(1);
    }
  }

  @Test
  void aProxysHtmlErrorNamesTheStatusAndDoubtsTheIssuer() throws Exception {
    try (StandIn proxy =
        ferryLike(new Reply(500, "text/html", "<html><h1>500 Internal Error</h1></html>"))) {
      WorkloadException e = failure(proxy.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              proxy.issuer()
                  + "/token answered HTTP 500 (text/html) without an OAuth error: the issuer may"
                  + " not be Ferry, or a proxy in front of it failed");
    }
  }

  @Test
  void aGatewayErrorWithoutAnOAuthErrorIsAnOutageToRetry() throws Exception {
    for (int status : new int[] {502, 503, 504}) {
      try (StandIn proxy =
          ferryLike(new Reply(status, "text/html", "<html><h1>Bad Gateway</h1></html>"))) {
        WorkloadException e = failure(proxy.issuer());

        assertThat(e.failure()).isEqualTo(Failure.NETWORK);
        assertThat(e.getMessage())
            .isEqualTo(
                proxy.issuer() + "/token answered HTTP " + status + ": the issuer is unavailable");
      }
    }
    try (StandIn down = new StandIn(path -> new Reply(503, "text/plain", "unavailable"))) {
      WorkloadException e = failure(down.issuer());

      assertThat(e.failure()).isEqualTo(Failure.NETWORK);
      assertThat(e.getMessage())
          .isEqualTo(
              down.issuer()
                  + "/.well-known/openid-configuration answered HTTP 503: the issuer is"
                  + " unavailable");
    }
    // An OAuth error is Ferry's own answer, whatever the status.
    try (StandIn ferry =
        ferryLike(
            new Reply(
                503,
                "application/json",
                "{\"error\":\"temporarily_unavailable\",\"error_description\":\"busy\"}"))) {
      WorkloadException e = failure(ferry.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage()).isEqualTo("temporarily_unavailable: busy");
    }
  }

  @Test
  void aTokenEndpointFromDiscoveryIsShownWithoutControlOrBidiCharacters() throws Exception {
    StandIn[] self = new StandIn[1];
    self[0] =
        new StandIn(path ->
            path.endsWith(Exchanger.DISCOVERY_PATH)
                ? new Reply(
                    200,
                    "application/json",
                    discovery(
                        self[0].issuer(),
                        ",\"token_endpoint\":\"" + self[0].issuer() + "/to\u202eken\""))
                : new Reply(500, "text/html", "<h1>no</h1>"));
    try (StandIn odd = self[0]) {
      WorkloadException e = failure(odd.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .startsWith(odd.issuer() + "/token answered HTTP 500")
          .doesNotContain("\u202e");
    }
  }

  @Test
  void plainHttpGoesOnlyToALoopbackAddress() throws Exception {
    for (String local :
        List.of(
            "http://localhost:5556",
            "http://LOCALHOST/dex",
            "http://127.0.0.1:5556/dex",
            "http://127.9.8.7",
            "http://[::1]:5556/dex",
            "http://[0:0:0:0:0:0:0:1]/dex")) {
      assertThat(ExchangeRequest.loopback(URI.create(local))).as(local).isTrue();
    }
    for (String remote :
        List.of(
            "http://ferry.example.com",
            "http://10.0.0.1/dex",
            "http://127.0.0.1.example.com/dex",
            "http://128.0.0.1/dex",
            "http://[::2]/dex",
            "http://[::ffff:10.0.0.1]/dex")) {
      assertThat(ExchangeRequest.loopback(URI.create(remote))).as(remote).isFalse();
    }
    assertThatThrownBy(() -> at("http://ferry.example.com/dex", SECRET).validate())
        .isInstanceOfSatisfying(
            WorkloadException.class, e -> assertThat(e.failure()).isEqualTo(Failure.USAGE))
        .hasMessage(
            "--issuer http://ferry.example.com/dex: use https: plain http is allowed only to a"
                + " loopback address");

    // Nor may a loopback issuer's discovery send the token to another host over plain http.
    StandIn[] self = new StandIn[1];
    self[0] =
        new StandIn(path ->
            new Reply(
                200,
                "application/json",
                discovery(
                    self[0].issuer(), ",\"token_endpoint\":\"http://ferry.example.com/token\"")));
    try (StandIn sends = self[0]) {
      WorkloadException e = failure(sends.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              sends.issuer()
                  + "'s discovery document sends the token to http://ferry.example.com/token:"
                  + " plain http is allowed only to a loopback address");
      assertThat(sends.seen).hasSize(1);
    }
  }

  @Test
  void a200WithoutAnAccessTokenIsNotFerry() throws Exception {
    try (StandIn odd = ferryLike(new Reply(200, "application/json", "{\"token\":\"x\"}"))) {
      WorkloadException e = failure(odd.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              odd.issuer()
                  + "/token answered HTTP 200 without an access_token: is --issuer a Ferry"
                  + " issuer?");
    }
  }

  @Test
  void anErrorDescriptionIsOneBoundedLineAndTheRequestIdIsLeftOutWhenAbsent() throws Exception {
    String description = "first\nerror: forged line\u202e" + "x".repeat(1000);
    try (StandIn odd =
        ferryLike(
            new Reply(
                400,
                "application/json",
                JSON.createObjectNode()
                    .put("error", "invalid_grant")
                    .put("error_description", description)
                    .toString()))) {
      WorkloadException e = failure(odd.issuer());

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .isEqualTo(
              "invalid_grant: firsterror: forged line"
                  + "x".repeat(Text.MAX_CHARS - "firsterror: forged line".length())
                  + "...");
    }
  }

  private static Seen last(ConcurrentLinkedQueue<Seen> seen) {
    return seen.stream().reduce((first, second) -> second).orElseThrow();
  }

  /** An exchange that must fail. */
  interface Exchange {
    IssuedToken run() throws WorkloadException;
  }

  private static WorkloadException refusal(Exchange exchange) {
    try {
      exchange.run();
    } catch (WorkloadException e) {
      return e;
    }
    throw new AssertionError("the exchange succeeded");
  }

  @Test
  void aDescriptionEchoingTheRequestShowsNoToken() throws Exception {
    String platformToken = ciToken("octo/app");
    StandIn[] self = new StandIn[1];
    try (StandIn echo =
        new StandIn(path ->
            path.endsWith(Exchanger.DISCOVERY_PATH)
                ? new Reply(
                    200,
                    "application/json",
                    discovery(
                        self[0].issuer(), ",\"token_endpoint\":\"" + self[0].issuer() + "/token\""))
                : new Reply(
                    400,
                    "application/json",
                    JSON.createObjectNode()
                        .put("error", "invalid_request")
                        .put("error_description", "got body " + last(self[0].seen).body())
                        .toString()))) {
      self[0] = echo;
      WorkloadException e =
          refusal(() ->
              new Exchanger(place(), TIMEOUT)
                  .exchange(at(echo.issuer(), null), new UpstreamToken(platformToken, "test")));

      assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .startsWith("invalid_request: got body grant_type=")
          .contains("&subject_token=[redacted]&subject_token_type=")
          .doesNotContain(platformToken.split("\\.")[0]);
    }
  }

  @Test
  void anErrorWithoutADescriptionKeepsTheRequestId() throws Exception {
    try (StandIn ferryish =
        ferryLike(
            new Reply(
                401,
                "application/json",
                "{\"error\":\"access_denied\"}",
                Map.of("X-Request-Id", "req-42")))) {
      WorkloadException e = failure(ferryish.issuer());

      assertThat(e.getMessage()).isEqualTo("access_denied (request id req-42)");
    }
  }

  @Test
  void theRequestOnTheWireIsWhatFerryDocuments() throws Exception {
    try (StandIn recorder =
        ferryLike(
            new Reply(
                200,
                "application/json",
                "{\"access_token\":\"opaque\",\"token_type\":\"bearer\",\"expires_in\":60}"))) {
      ExchangeRequest request =
          new ExchangeRequest(
              URI.create(recorder.issuer()),
              Grant.TOKEN_EXCHANGE,
              "deploy er",
              "p+ss:w rd",
              false,
              "ci",
              List.of("openid", "groups"),
              List.of("billing", "inventory"),
              List.of("https://api.example.com/v1"),
              "urn:ietf:params:oauth:token-type:access_token");

      IssuedToken issued =
          new Exchanger(place(), TIMEOUT)
              .exchange(request, new UpstreamToken("platform-token", "test"));

      assertThat(issued.token()).isEqualTo("opaque");
      assertThat(issued.expiresAt()).isEqualTo(clock.instant().plusSeconds(60));
      Seen post = recorder.seen.stream().filter(s -> s.method().equals("POST")).findFirst().get();
      assertThat(post.path()).isEqualTo("/dex/token");
      assertThat(post.authorization())
          .isEqualTo(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString("deploy+er:p%2Bss%3Aw+rd".getBytes(StandardCharsets.UTF_8)));
      assertThat(decode(post.body()))
          .containsExactly(
              "grant_type=urn:ietf:params:oauth:grant-type:token-exchange",
              "connector_id=ci",
              "subject_token=platform-token",
              "subject_token_type=urn:ietf:params:oauth:token-type:id_token",
              "requested_token_type=urn:ietf:params:oauth:token-type:access_token",
              "scope=openid groups",
              "audience=billing",
              "audience=inventory",
              "resource=https://api.example.com/v1");
    }
  }

  @Test
  void aFederatedClientSendsThePlatformTokenAsItsAssertionAndNoBasic() throws Exception {
    try (StandIn recorder =
        ferryLike(new Reply(200, "application/json", "{\"access_token\":\"opaque\"}"))) {
      ExchangeRequest request =
          new ExchangeRequest(
              URI.create(recorder.issuer()),
              Grant.CLIENT_CREDENTIALS,
              "workload",
              null,
              true,
              null,
              List.of(),
              List.of(),
              List.of(),
              null);

      IssuedToken issued =
          new Exchanger(place(), TIMEOUT)
              .exchange(request, new UpstreamToken("platform-token", "test"));

      assertThat(issued.expiresAt()).isNull();
      Seen post = recorder.seen.stream().filter(s -> s.method().equals("POST")).findFirst().get();
      assertThat(post.authorization()).isNull();
      assertThat(decode(post.body()))
          .containsExactly(
              "grant_type=client_credentials",
              "client_id=workload",
              "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
              "client_assertion=platform-token");
    }
  }

  private static List<String> decode(String form) {
    List<String> pairs = new ArrayList<>();
    for (String pair : form.split("&")) {
      pairs.add(URLDecoder.decode(pair, StandardCharsets.UTF_8));
    }
    return pairs;
  }

  @Test
  void withoutExpiresInTheJwtsExpTells() throws Exception {
    Instant exp = clock.instant().plusSeconds(600);
    String jwt =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    ("{\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
            + ".sig";
    try (StandIn noExpiresIn =
        ferryLike(new Reply(200, "application/json", "{\"access_token\":\"" + jwt + "\"}"))) {
      IssuedToken issued =
          new Exchanger(place(), TIMEOUT)
              .exchange(at(noExpiresIn.issuer(), SECRET), new UpstreamToken("t", "test"));

      assertThat(issued.expiresAt()).isEqualTo(exp);
    }
  }

  /** What {@link Exchanger} makes of a 200 response with {@code body} as its JSON. */
  private static WorkloadException refusalOf(String body) throws IOException {
    try (StandIn odd = ferryLike(new Reply(200, "application/json", body))) {
      return refusal(() ->
          new Exchanger(place(), TIMEOUT)
              .exchange(at(odd.issuer(), SECRET), new UpstreamToken("t", "test")));
    }
  }

  @Test
  void anExpiresInThatIsNotAPositiveNumberOfSecondsWithinAYearIsRefused() throws Exception {
    for (String expiresIn :
        new String[] {
          "99999999999999999999", "-5", "0", "3.5", "\"soon\"", "true", "{}", "31708800"
        }) {
      WorkloadException e =
          refusalOf("{\"access_token\":\"opaque\",\"expires_in\":" + expiresIn + "}");

      assertThat(e.failure()).as(expiresIn).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .as(expiresIn)
          .isEqualTo("the issuer's response has an invalid expires_in");
    }
  }

  @Test
  void anExpiresInWithinAYearIsKept() throws Exception {
    for (String expiresIn : new String[] {"1", "\"600\"", "31622400"}) {
      try (StandIn ok =
          ferryLike(
              new Reply(
                  200,
                  "application/json",
                  "{\"access_token\":\"opaque\",\"expires_in\":" + expiresIn + "}"))) {
        IssuedToken issued =
            new Exchanger(place(), TIMEOUT)
                .exchange(at(ok.issuer(), SECRET), new UpstreamToken("t", "test"));

        assertThat(issued.expiresAt())
            .isEqualTo(clock.instant().plusSeconds(Long.parseLong(expiresIn.replace("\"", ""))));
      }
    }
  }

  @Test
  void anAccessTokenOfOtherThanPrintableAsciiIsRefusedWithoutShowingIt() throws Exception {
    for (String token :
        new String[] {"tok\\u001b[31m\\nFOO=bar", "tok en", "tok\\tx", "t\\u00f6k", "tok\\u202e"}) {
      WorkloadException e = refusalOf("{\"access_token\":\"" + token + "\",\"expires_in\":60}");

      assertThat(e.failure()).as(token).isEqualTo(Failure.EXCHANGE);
      assertThat(e.getMessage())
          .as(token)
          .isEqualTo(
              "the issued access_token has characters a token cannot have (RFC 6749: printable"
                  + " ASCII)");
    }
  }

  @Test
  void aTokenWhoseExpHasPassedIsRefused() throws Exception {
    String expired =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    ("{\"exp\":" + clock.instant().getEpochSecond() + "}")
                        .getBytes(StandardCharsets.UTF_8))
            + ".sig";

    WorkloadException e = refusalOf("{\"access_token\":\"" + expired + "\"}");

    assertThat(e.failure()).isEqualTo(Failure.EXCHANGE);
    assertThat(e.getMessage()).isEqualTo("the issued token is already expired");
  }

  @Test
  void anOpaqueTokenWithoutExpiresInCannotBeAnExecCredential() throws Exception {
    try (StandIn opaque =
        ferryLike(
            new Reply(
                200, "application/json", "{\"access_token\":\"" + UUID.randomUUID() + "\"}"))) {
      IssuedToken issued =
          new Exchanger(place(), TIMEOUT)
              .exchange(at(opaque.issuer(), SECRET), new UpstreamToken("t", "test"));

      assertThat(issued.expiresAt()).isNull();
      assertThatThrownBy(() -> Output.EXEC_CREDENTIAL.render(issued, clock))
          .isInstanceOfSatisfying(
              WorkloadException.class, e -> assertThat(e.failure()).isEqualTo(Failure.OUTPUT));
    }
  }

  // ---- requests that cannot be made

  @Test
  void flagsThatDoNotApplyToTheGrantAreUsageErrorsBeforeAnyRequest() {
    assertUsage(
        request(
            Grant.CLIENT_CREDENTIALS,
            "deployer",
            SECRET,
            false,
            null,
            List.of(),
            List.of("billing"),
            List.of(),
            null),
        "--audience and --resource do not apply to --grant client-credentials: the token is the"
            + " client's own (its aud is the client)");
    assertUsage(
        request(
            Grant.CLIENT_CREDENTIALS,
            "deployer",
            SECRET,
            false,
            "ci",
            List.of(),
            List.of(),
            List.of(),
            null),
        "--connector does not apply to --grant client-credentials: the client's"
            + " federatedCredentials name the connector");
    assertUsage(
        request(
            Grant.JWT_BEARER,
            "deployer",
            SECRET,
            false,
            "ci",
            List.of(),
            List.of(),
            List.of(),
            "id_token"),
        "--requested-token-type applies to --grant token-exchange only, not jwt-bearer");
    assertUsage(
        request(
            Grant.TOKEN_EXCHANGE,
            "deployer",
            SECRET,
            false,
            "ci",
            List.of(),
            List.of(),
            List.of(),
            "jwt\n"),
        "--requested-token-type must be access_token, id_token, refresh_token or a URN, not jwt");
    assertUsage(
        request(
            Grant.TOKEN_EXCHANGE,
            "deployer",
            SECRET,
            false,
            null,
            List.of(),
            List.of(),
            List.of(),
            null),
        "--grant token-exchange needs --connector: Ferry has no default connector");
  }

  private static void assertUsage(ExchangeRequest request, String message) {
    // A closed port: a request that got as far as the network would be NETWORK, not USAGE.
    ExchangeRequest nowhere =
        new ExchangeRequest(
            URI.create("http://127.0.0.1:9/dex"),
            request.grant(),
            request.clientId(),
            request.clientSecret(),
            request.federated(),
            request.connectorId(),
            request.scopes(),
            request.audiences(),
            request.resources(),
            request.requestedTokenType());
    assertThatThrownBy(() ->
            new Exchanger(place(), TIMEOUT)
                .exchange(
                    nowhere, request.needsUpstreamToken() ? new UpstreamToken("t", "test") : null))
        .isInstanceOfSatisfying(
            WorkloadException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.USAGE);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }
}
