package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.ferry.connector.upstream.TokenFingerprint;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.endpoint.token.ClientAssertions;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import dev.ferry.token.SubjectCodec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Federated client authentication (RFC 7523 §2.2, issue 9) end to end: Ferry started from a config
 * file with a Kubernetes-style {@code oidc} connector (an in-process issuer minting projected
 * service-account tokens) and clients whose {@code federatedCredentials} name it. A workload gets a
 * token for its own client identity with no secret anywhere, through client_credentials and through
 * token exchange; every malformed request is {@code 400 invalid_request} and every assertion that
 * is not the client's is {@code 401 invalid_client}. Issued tokens are verified with jose4j.
 */
class FederatedClientEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEPLOYER = "system:serviceaccount:ci:deployer";
  private static final String INVALID_CLIENT =
      "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client credentials.\"}";

  @TempDir static Path dir;
  private static UpstreamIssuer kubernetes;
  private static UpstreamIssuer ci;
  private static RunningFerry ferry;

  @BeforeAll
  static void start() throws Exception {
    kubernetes = UpstreamIssuer.builder().userInfo(false).start();
    ci = UpstreamIssuer.builder().userInfo(false).start();
    String yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: memory
        web:
          http: ${WEB}
        oauth2:
          grantTypes:
          - client_credentials
          - urn:ietf:params:oauth:grant-type:token-exchange
        connectors:
        - type: oidc
          id: kubernetes
          name: Kubernetes
          config:
            issuer: %s
            scopes: [openid]
            userNameKey: sub
          trust:
            # What `kubectl create token deployer --audience ferry` mints.
            audiences: [ferry]
        - type: oidc
          id: ci
          name: CI (each token once)
          config:
            issuer: %s
            scopes: [openid]
            userNameKey: sub
          trust:
            singleUse: true
        staticClients:
        - id: deployer
          name: Deployer
          federatedCredentials:
          - connector: kubernetes
            subject: system:serviceaccount:ci:deployer
            condition: >-
              claims["kubernetes.io"].namespace == "ci" &&
              claims["kubernetes.io"].serviceaccount.name == "deployer"
        - id: both
          name: Secret or assertion
          secret: both-secret
          federatedCredentials:
          - connector: kubernetes
            subject: system:serviceaccount:ci:both
        - id: once
          name: Single use
          federatedCredentials:
          - connector: ci
            subject: job-1
        - id: plain
          name: Secret only
          secret: plain-secret
        """
            .formatted(kubernetes.issuer(), ci.issuer());
    ferry = RunningFerry.start(dir, yaml, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (kubernetes != null) {
      kubernetes.close();
    }
    if (ci != null) {
      ci.close();
    }
  }

  /** A projected service-account token of namespace ci, for Ferry's issuer. */
  private static UpstreamToken serviceAccount(String namespace, String name) {
    return kubernetes
        .token()
        .subject("system:serviceaccount:" + namespace + ":" + name)
        .without("name")
        .audience(List.of(ferry.issuer))
        .claim(
            "kubernetes.io",
            Map.of(
                "namespace",
                namespace,
                "serviceaccount",
                Map.of("name", name, "uid", UUID.randomUUID().toString()),
                "pod",
                Map.of("name", name + "-7d9f", "uid", UUID.randomUUID().toString())));
  }

  private static String deployerToken() {
    return serviceAccount("ci", "deployer").build();
  }

  private static Map<String, String> clientCredentials(String clientId, String assertion) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.CLIENT_CREDENTIALS);
    form.put("scope", "openid profile");
    form.put("client_id", clientId);
    form.put("client_assertion_type", GrantTypes.CLIENT_ASSERTION_JWT_BEARER);
    form.put("client_assertion", assertion);
    return form;
  }

  private static HttpResponse<String> post(Map<String, String> form) throws Exception {
    return ferry.postForm("/token", form, "");
  }

  private static JwtClaims verify(String jwt, String audience) throws Exception {
    JsonNode discovery = JSON.readTree(ferry.get("/.well-known/openid-configuration").body());
    return new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setExpectedIssuer(ferry.issuer)
        .setExpectedAudience(audience)
        .setVerificationKeyResolver(
            new HttpsJwksVerificationKeyResolver(new HttpsJwks(discovery.get("jwks_uri").asText())))
        .build()
        .processToClaims(jwt);
  }

  @Test
  void aKubernetesWorkloadGetsATokenForItsClientThroughClientCredentials() throws Exception {
    HttpResponse<String> response = post(clientCredentials("deployer", deployerToken()));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.has("refresh_token")).isFalse();
    JwtClaims id = verify(body.get("id_token").asText(), "deployer");
    assertThat(id.getSubject()).isEqualTo(SubjectCodec.encode("deployer", ""));
    assertThat(id.getClaimValueAsString("name")).isEqualTo("Deployer");
    JwtClaims access = verify(body.get("access_token").asText(), "deployer");
    assertThat(access.getSubject()).isEqualTo(id.getSubject());
  }

  static Stream<Arguments> audiences() {
    return Stream.of(
        Arguments.of((UnaryOperator<String>) issuer -> issuer),
        Arguments.of((UnaryOperator<String>) issuer -> issuer.replaceAll("/dex$", "/dex/token")),
        Arguments.of((UnaryOperator<String>) issuer -> "ferry"));
  }

  /** RFC 7523 §3: the issuer, the token endpoint URL, or the connector's trust.audiences. */
  @ParameterizedTest
  @MethodSource("audiences")
  void theAssertionMayNameFerryOrATrustedAudience(UnaryOperator<String> audience) throws Exception {
    String assertion =
        serviceAccount("ci", "deployer").audience(audience.apply(ferry.issuer)).build();
    HttpResponse<String> response = post(clientCredentials("deployer", assertion));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void aFederatedClientExchangesAnotherWorkloadsToken() throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.TOKEN_EXCHANGE);
    form.put("client_id", "deployer");
    form.put("client_assertion_type", GrantTypes.CLIENT_ASSERTION_JWT_BEARER);
    form.put("client_assertion", deployerToken());
    form.put("connector_id", "kubernetes");
    form.put("scope", "openid");
    form.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
    form.put("subject_token", serviceAccount("apps", "web").audience("ferry").build());

    HttpResponse<String> response = post(form);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JwtClaims access =
        verify(JSON.readTree(response.body()).get("access_token").asText(), "deployer");
    assertThat(access.getSubject())
        .isEqualTo(SubjectCodec.encode("system:serviceaccount:apps:web", "kubernetes"));
  }

  @Test
  void aClientWithASecretAndCredentialsAuthenticatesWithEither() throws Exception {
    HttpResponse<String> bySecret =
        ferry.postForm(
            "/token", Map.of("grant_type", GrantTypes.CLIENT_CREDENTIALS), "both:both-secret");
    assertThat(bySecret.statusCode()).as(bySecret.body()).isEqualTo(200);

    HttpResponse<String> byAssertion =
        post(clientCredentials("both", serviceAccount("ci", "both").build()));
    assertThat(byAssertion.statusCode()).as(byAssertion.body()).isEqualTo(200);
  }

  /** The federated client has no secret; to Dex an empty secret would mean "public". */
  @Test
  void aFederatedClientWithoutSecretCannotAuthenticateWithoutAnAssertion() throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.CLIENT_CREDENTIALS);
    form.put("client_id", "deployer");
    assertThat(post(form).body()).isEqualTo(INVALID_CLIENT);
    form.put("client_secret", "");
    assertThat(post(form).statusCode()).isEqualTo(401);
    HttpResponse<String> basic =
        ferry.postForm("/token", Map.of("grant_type", GrantTypes.CLIENT_CREDENTIALS), "deployer:");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.body()).isEqualTo(INVALID_CLIENT);
  }

  static Stream<Arguments> malformed() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln";
    String type = GrantTypes.CLIENT_ASSERTION_JWT_BEARER;
    return Stream.of(
        Arguments.of(
            "client_secret and an assertion",
            "client_id=deployer&client_secret=s&client_assertion_type="
                + type
                + "&client_assertion="
                + jwt,
            "",
            "The client authenticated with client_secret and client_assertion at once; use one"
                + " method."),
        Arguments.of(
            "Basic and an assertion",
            "client_assertion_type=" + type + "&client_assertion=" + jwt,
            "both:both-secret",
            "The client authenticated with HTTP Basic and client_assertion at once; use one"
                + " method."),
        Arguments.of(
            "type without assertion",
            "client_id=deployer&client_assertion_type=" + type,
            "",
            "Missing client_assertion."),
        Arguments.of(
            "assertion without type",
            "client_id=deployer&client_assertion=" + jwt,
            "",
            "Missing client_assertion_type."),
        Arguments.of(
            "unsupported type",
            "client_id=deployer&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
                + "&client_assertion="
                + jwt,
            "",
            "Unsupported client_assertion_type; the supported type is " + type + "."),
        Arguments.of(
            "repeated assertion",
            "client_id=deployer&client_assertion_type="
                + type
                + "&client_assertion="
                + jwt
                + "&client_assertion="
                + jwt,
            "",
            "client_assertion must not repeat."),
        Arguments.of(
            "repeated client_id",
            "client_id=deployer&client_id=both&client_assertion_type="
                + type
                + "&client_assertion="
                + jwt,
            "",
            "client_id must not repeat."),
        Arguments.of(
            "oversized assertion",
            "client_id=deployer&client_assertion_type="
                + type
                + "&client_assertion="
                + "a".repeat(UpstreamHttpSettings.DEFAULT_MAX_TOKEN_BYTES + 1),
            "",
            "client_assertion is longer than "
                + UpstreamHttpSettings.DEFAULT_MAX_TOKEN_BYTES
                + " characters."),
        Arguments.of(
            "no client_id",
            "client_assertion_type=" + type + "&client_assertion=" + jwt,
            "",
            "Missing client_id: a client_assertion authenticates the client that client_id"
                + " names."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedClientAuthenticationIsInvalidRequest(
      String name, String body, String basic, String description) throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(URI.create(ferry.base + "/token"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&" + body));
    if (!basic.isEmpty()) {
      request.header(
          "Authorization",
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(basic.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("invalid_request");
    assertThat(JSON.readTree(response.body()).get("error_description").asText())
        .isEqualTo(description);
  }

  @Test
  void emptyAssertionParametersCountAsAbsentAsAnEmptySecretDoes() throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(URI.create(ferry.base + "/token"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header(
                "Authorization",
                "Basic "
                    + java.util.Base64.getEncoder()
                        .encodeToString(
                            "both:both-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "grant_type=client_credentials&client_assertion=&client_assertion_type="));
    HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "another audience",
            "deployer",
            (Minter)
                () ->
                    serviceAccount("ci", "deployer")
                        .audience("https://kubernetes.default.svc")
                        .build()),
        Arguments.of(
            "no audience",
            "deployer",
            (Minter) () -> serviceAccount("ci", "deployer").without("aud").build()),
        Arguments.of(
            "another workload's sub",
            "deployer",
            (Minter) () -> serviceAccount("ci", "intruder").build()),
        Arguments.of(
            "the sub of another client's credential",
            "both",
            (Minter) FederatedClientEndToEndTest::deployerToken),
        Arguments.of(
            "condition false",
            "deployer",
            (Minter)
                () ->
                    serviceAccount("ci", "deployer")
                        .claim(
                            "kubernetes.io",
                            Map.of(
                                "namespace", "prod", "serviceaccount", Map.of("name", "deployer")))
                        .build()),
        Arguments.of(
            "condition on a missing claim",
            "deployer",
            (Minter) () -> serviceAccount("ci", "deployer").without("kubernetes.io").build()),
        Arguments.of(
            "expired",
            "deployer",
            (Minter)
                () ->
                    serviceAccount("ci", "deployer")
                        .claim("iat", Instant.now().minus(Duration.ofHours(2)).getEpochSecond())
                        .expiresAt(Instant.now().minus(Duration.ofHours(1)))
                        .build()),
        Arguments.of(
            "alg none",
            "deployer",
            (Minter)
                () ->
                    serviceAccount("ci", "deployer")
                        .signedWith(UpstreamToken.Signing.NONE)
                        .build()),
        Arguments.of(
            "HS256 keyed with the public key",
            "deployer",
            (Minter)
                () ->
                    serviceAccount("ci", "deployer")
                        .signedWith(UpstreamToken.Signing.HMAC_WITH_PUBLIC_KEY)
                        .build()),
        Arguments.of(
            "unknown kid",
            "deployer",
            (Minter)
                () ->
                    serviceAccount("ci", "deployer")
                        .signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA)
                        .kid("not-a-published-key")
                        .build()),
        Arguments.of(
            "a key the issuer never published",
            "deployer",
            (Minter)
                () ->
                    serviceAccount("ci", "deployer")
                        .signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA)
                        .build()),
        Arguments.of(
            "another issuer",
            "deployer",
            (Minter) () -> ci.token().subject(DEPLOYER).audience(ferry.issuer).build()),
        Arguments.of("not a JWT", "deployer", (Minter) () -> "not-a-jwt"),
        Arguments.of(
            "a client without credentials",
            "plain",
            (Minter) FederatedClientEndToEndTest::deployerToken),
        Arguments.of(
            "an unknown client", "nobody", (Minter) FederatedClientEndToEndTest::deployerToken));
  }

  /** Mints the assertion once the issuers are up. */
  @FunctionalInterface
  interface Minter {
    String mint();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void anAssertionThatIsNotTheClientsIsInvalidClient(String name, String clientId, Minter minter)
      throws Exception {
    String assertion = minter.mint();
    Logger logger = (Logger) LoggerFactory.getLogger(ClientAssertions.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    HttpResponse<String> response;
    try {
      response = post(clientCredentials(clientId, assertion));
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(previous);
    }
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo(INVALID_CLIENT);
    List<ILoggingEvent> events;
    synchronized (appender) {
      events = new ArrayList<>(appender.list);
    }
    if (!clientId.equals("nobody")) {
      assertThat(events)
          .anySatisfy(event -> {
            assertThat(event.getMessage()).isEqualTo("client assertion refused");
            assertThat(event.getKeyValuePairs())
                .anySatisfy(kv -> assertThat(kv.value).isEqualTo(TokenFingerprint.of(assertion)));
          });
    }
    for (ILoggingEvent event : events) {
      assertThat(event.getFormattedMessage()).doesNotContain(assertion);
      assertThat(String.valueOf(event.getKeyValuePairs())).doesNotContain(assertion);
    }
  }

  @Test
  void aSingleUseConnectorAcceptsEachAssertionOnce() throws Exception {
    String assertion =
        ci.token().subject("job-1").audience(ferry.issuer).claim("jti", "run-1-attempt-1").build();
    HttpResponse<String> first = post(clientCredentials("once", assertion));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    HttpResponse<String> replay = post(clientCredentials("once", assertion));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).isEqualTo(INVALID_CLIENT);

    String withoutJti = ci.token().subject("job-1").audience(ferry.issuer).build();
    assertThat(post(clientCredentials("once", withoutJti)).statusCode()).isEqualTo(401);
  }

  /**
   * A real client library does the federated flow: the Nimbus OAuth 2.0 SDK with its own {@link
   * PrivateKeyJWT} client authentication carrying the workload's token. The SDK takes the client id
   * from the assertion's {@code sub} (RFC 7523 §3, where a client signs with its own key, so iss =
   * sub = client_id) and sends no {@code client_id}; here the {@code sub} is the workload, so the
   * request names the client with a custom {@code client_id} parameter, which Ferry requires.
   */
  @Test
  void theNimbusSdkGetsATokenWithTheFederatedAssertion() throws Exception {
    PrivateKeyJWT workload = new PrivateKeyJWT(SignedJWT.parse(deployerToken()));
    assertThat(workload.getClientID().getValue()).isEqualTo(DEPLOYER);
    URI token = URI.create(ferry.base + "/token");

    TokenRequest withoutClientId =
        new TokenRequest.Builder(token, workload, new ClientCredentialsGrant()).build();
    TokenResponse refused = TokenResponse.parse(withoutClientId.toHTTPRequest().send());
    assertThat(refused.indicatesSuccess()).isFalse();
    assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_request");

    TokenRequest request =
        new TokenRequest.Builder(
                token,
                new PrivateKeyJWT(SignedJWT.parse(deployerToken())),
                new ClientCredentialsGrant())
            .scope(new Scope("openid", "profile"))
            .customParameter("client_id", "deployer")
            .build();
    TokenResponse response = OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
    assertThat(response.indicatesSuccess())
        .as(() -> response.toErrorResponse().getErrorObject().toString())
        .isTrue();
    OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
    assertThat(tokens.getTokens().getRefreshToken()).isNull();
    JwtClaims id = verify(tokens.getOIDCTokens().getIDTokenString(), "deployer");
    assertThat(id.getSubject()).isEqualTo(SubjectCodec.encode("deployer", ""));
    assertThat(id.getClaimValueAsString("name")).isEqualTo("Deployer");

    // And with a secret (client_secret_basic) for the client that has both.
    TokenRequest bySecret =
        new TokenRequest.Builder(
                URI.create(ferry.base + "/token"),
                new ClientSecretBasic(new ClientID("both"), new Secret("both-secret")),
                new ClientCredentialsGrant())
            .build();
    assertThat(TokenResponse.parse(bySecret.toHTTPRequest().send()).indicatesSuccess()).isTrue();
  }
}
