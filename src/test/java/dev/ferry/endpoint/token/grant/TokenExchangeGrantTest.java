package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.WebFixture.CLIENT_ID;
import static dev.ferry.endpoint.WebFixture.exchangeForm;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.mock.MockCallbackConnector;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.storage.Client;
import dev.ferry.storage.Storage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * RFC 8693 token exchange through real HTTP, against Dex's own test cases (Dex:
 * server/server_grant_tokenexchange_test.go TestHandleTokenExchange,
 * TestHandleTokenExchangeLogsSuccess, TestHandleTokenExchangeConnectorGrantTypeRestriction,
 * TestHandleTokenExchangeAllowedConnectors) and black-box cases derived from Dex's code
 * (server/grants/grants.go Handler.handleToken, parseRequest, Handler.authenticateClient,
 * Handler.resolveConnector; server/grants/tokenexchange.go tokenExchange.Authorize;
 * server/tokens/issuer.go Issuer.SignIDToken).
 */
class TokenExchangeGrantTest {
  private static final String ID = "urn:ietf:params:oauth:token-type:id_token";
  private static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";
  private static final String MOCK_SUB = "Cg0wLTM4NS0yODA4OS0wEgRtb2Nr";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static WebFixture ferry;

  /**
   * Connectors of the black-box cases: the mock, one that rejects every token but "good", and
   * non-exchangers.
   */
  private static final class TestConnectors implements ConnectorLookup {
    private final Storage storage;
    private final WebFixture.StorageConnectors fromStorage;

    TestConnectors(Storage storage) {
      this.storage = storage;
      this.fromStorage = new WebFixture.StorageConnectors(storage);
    }

    @Override
    public Optional<OpenedConnector> get(String id) {
      if (id.equals("strict")) {
        return storage.connectors().get(id).map(d -> new OpenedConnector(d, new StrictConnector()));
      }
      return fromStorage.get(id);
    }
  }

  private static final class StrictConnector implements TokenIdentityConnector {
    @Override
    public VerifiedSubject tokenIdentity(String type, String token) throws IdentityException {
      if (!token.equals("good")) {
        throw new IdentityException("oidc: token is expired");
      }
      return new VerifiedSubject(
          SubjectToken.opaque(type, ""), Map.of(), MockCallbackConnector.IDENTITY);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    ferry =
        WebFixture.builder()
            .setup(s -> {
              s.connectors().create(connector("strict", "oidc"));
              s.connectors().create(connector("local", "local"));
              s.connectors().create(connector("gh", "github"));
              s.clients().create(Client.of("my app", "my secret", "Spaced"));
              s.clients().create(Client.of("public", "", "Public").withPublic(true));
              s.clients()
                  .create(
                      Client.of("peer", "peer-secret", "Peer")
                          .withTrustedPeers(List.of(CLIENT_ID)));
              s.clients().create(Client.of("stranger", "x", "Untrusting peer"));
            })
            .connectorsFrom(TestConnectors::new)
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    ferry.close();
  }

  private static dev.ferry.storage.Connector connector(String id, String type) {
    return new dev.ferry.storage.Connector(id, type, id, "1", "{}", List.of());
  }

  private static HttpResponse<String> exchange(Map<String, String> form) throws Exception {
    return ferry.postForm("/token", form);
  }

  private static Map<String, String> form(String... overrides) {
    Map<String, String> form = exchangeForm();
    for (int i = 0; i < overrides.length; i += 2) {
      form.put(overrides[i], overrides[i + 1]);
    }
    return form;
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static void assertError(
      HttpResponse<String> response, int status, String error, String description) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    String expected =
        description.isEmpty()
            ? "{\"error\":\"" + error + "\"}"
            : "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
    assertThat(response.body()).isEqualTo(expected);
  }

  /** The verified payload of the issued token, as the raw JSON Ferry signed. */
  private static String payload(HttpResponse<String> response) throws Exception {
    SignedJWT jwt = SignedJWT.parse(json(response).get("access_token").asText());
    assertThat(jwt.verify(new RSASSAVerifier(WebFixture.key().toRSAPublicKey()))).isTrue();
    return new String(jwt.getParsedParts()[1].decode(), StandardCharsets.UTF_8);
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    Iterator<String> it = node.fieldNames();
    it.forEachRemaining(out::add);
    return out;
  }

  // ---- Dex: server/server_grant_tokenexchange_test.go TestHandleTokenExchange ----

  static Stream<Arguments> dexCases() {
    return Stream.of(
        Arguments.of("id-for-acccess", ACCESS, ID, "foobar", 200, ACCESS),
        Arguments.of("id-for-id", ID, ID, "foobar", 200, ID),
        Arguments.of("id-for-default", "", ID, "foobar", 200, ACCESS),
        Arguments.of("access-for-access", ACCESS, ACCESS, "foobar", 200, ACCESS),
        Arguments.of(
            "missing-subject_token_type",
            ACCESS,
            "",
            "foobar",
            400,
            "{\"error\":\"request_not_supported\",\"error_description\":\"Invalid subject_token_type.\"}"),
        Arguments.of(
            "missing-subject_token",
            ACCESS,
            ACCESS,
            "",
            400,
            "{\"error\":\"invalid_request\",\"error_description\":\"Missing subject_token\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dexCases")
  void dexTestHandleTokenExchange(
      String name, String requested, String subjectType, String subject, int status, String expect)
      throws Exception {
    HttpResponse<String> response =
        exchange(
            form(
                "requested_token_type", requested,
                "subject_token_type", subjectType,
                "subject_token", subject));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    if (status == 200) {
      assertThat(json(response).get("issued_token_type").asText()).isEqualTo(expect);
    } else {
      assertThat(response.body()).isEqualTo(expect);
    }
  }

  // ---- Dex HEAD-only tests: server/server_grant_tokenexchange_test.go ----

  @Test
  void logsSuccessOnceWithTheIdentity() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(TokenExchangeGrant.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    try {
      HttpResponse<String> response = exchange(form());
      assertThat(response.statusCode()).isEqualTo(200);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(previous);
    }

    List<ILoggingEvent> success =
        appender.list.stream()
            .filter(e -> e.getMessage().equals("token exchange successful"))
            .toList();
    assertThat(success).hasSize(1);
    ILoggingEvent event = success.get(0);
    assertThat(event.getLevel()).isEqualTo(Level.INFO);
    Map<String, Object> kv = new java.util.LinkedHashMap<>();
    for (KeyValuePair pair : event.getKeyValuePairs()) {
      kv.put(pair.key, pair.value);
    }
    assertThat(kv)
        .containsEntry("connector_id", "mock")
        .containsEntry("client_id", CLIENT_ID)
        .containsEntry("user_id", "0-385-28089-0")
        .containsEntry("username", "Kilgore Trout")
        .containsEntry("preferred_username", "")
        .containsEntry("email", "kilgore@kilgore.trout")
        .containsEntry("groups", List.of("authors"))
        .containsEntry("subject_token_type", ID)
        .containsEntry("requested_token_type", ACCESS);
    assertThat(event.getFormattedMessage()).doesNotContain("foobar");
    assertThat(kv.values()).noneMatch(v -> String.valueOf(v).contains("foobar"));
  }

  @Test
  void connectorGrantTypeRestriction() throws Exception {
    ferry
        .storage
        .connectors()
        .update(
            "strict",
            c ->
                new dev.ferry.storage.Connector(
                    c.id(),
                    c.type(),
                    c.name(),
                    "2",
                    c.config(),
                    List.of(GrantTypes.AUTHORIZATION_CODE)));
    try {
      HttpResponse<String> response =
          exchange(form("connector_id", "strict", "subject_token", "good"));
      assertError(
          response,
          400,
          "invalid_request",
          "Requested connector does not support this grant type.");
    } finally {
      ferry
          .storage
          .connectors()
          .update(
              "strict",
              c ->
                  new dev.ferry.storage.Connector(
                      c.id(), c.type(), c.name(), "3", c.config(), List.of()));
    }
  }

  static Stream<Arguments> allowedConnectors() {
    return Stream.of(
        Arguments.of("connector in allowed list", List.of("mock"), 200),
        Arguments.of("connector matches non-first entry", List.of("other", "mock"), 200),
        Arguments.of("connector not in allowed list", List.of("other"), 400),
        Arguments.of("empty allowed list permits any connector", List.of(), 200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allowedConnectors")
  void allowedConnectors(String name, List<String> allowed, int status) throws Exception {
    String id = "allowed-" + Integer.toHexString(name.hashCode());
    ferry.storage.clients().create(Client.of(id, "s", name).withAllowedConnectors(allowed));
    HttpResponse<String> response = exchange(form("client_id", id, "client_secret", "s"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (status == 400) {
      assertError(response, 400, "invalid_grant", "Connector not allowed for this client.");
    }
  }

  // ---- Black-box cases derived from Dex's code (not in Dex's test suite) ----

  @Test
  void item01GetIsNotAllowed() throws Exception {
    assertError(ferry.get("/token"), 400, "invalid_request", "method not allowed");
  }

  @Test
  void item02DisabledGrantIsUnsupported() throws Exception {
    try (WebFixture codeOnly =
        WebFixture.builder().grantTypes(List.of(GrantTypes.AUTHORIZATION_CODE)).build()) {
      HttpResponse<String> response = codeOnly.postForm("/token", exchangeForm());
      assertError(response, 400, "unsupported_grant_type", "");
    }
  }

  static Stream<Arguments> badClients() {
    return Stream.of(
        Arguments.of("unknown client", "nobody", "secret_1"),
        Arguments.of("wrong secret", CLIENT_ID, "wrong"),
        Arguments.of("missing secret", CLIENT_ID, ""),
        Arguments.of("empty client_id", "", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badClients")
  void item03BadClientCredentials(String name, String id, String secret) throws Exception {
    HttpResponse<String> response = exchange(form("client_id", id, "client_secret", secret));
    assertError(response, 401, "invalid_client", "Invalid client credentials.");
    assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
  }

  private static HttpResponse<String> withBasic(
      String user, String password, Map<String, String> form) throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        ferry
            .request("/token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(WebFixture.encode(form)))
            .build();
    return ferry.send(request);
  }

  private static Map<String, String> formWithoutCredentials() {
    Map<String, String> form = form();
    form.remove("client_id");
    form.remove("client_secret");
    return form;
  }

  @Test
  void item04BadlyEncodedBasicCredentials() throws Exception {
    assertError(
        withBasic("%zz", "secret_1", formWithoutCredentials()),
        400,
        "invalid_request",
        "client_id improperly encoded");
    assertError(
        withBasic(CLIENT_ID, "%zz", formWithoutCredentials()),
        400,
        "invalid_request",
        "client_secret improperly encoded");
  }

  @ParameterizedTest
  @MethodSource("spacedIds")
  void item05FormEncodedBasicCredentials(String user, String password) throws Exception {
    HttpResponse<String> response = withBasic(user, password, formWithoutCredentials());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  static Stream<Arguments> spacedIds() {
    return Stream.of(
        Arguments.of("my%20app", "my%20secret"),
        Arguments.of("my+app", "my+secret"),
        Arguments.of("my app", "my secret"));
  }

  @Test
  void item06PublicClientWithoutSecret() throws Exception {
    Map<String, String> form = form("client_id", "public");
    form.remove("client_secret");
    assertThat(exchange(form).statusCode()).isEqualTo(200);
  }

  @Test
  void item07BasicWinsOverForm() throws Exception {
    Map<String, String> wrongForm = form("client_secret", "wrong");
    assertThat(withBasic(CLIENT_ID, "secret_1", wrongForm).statusCode()).isEqualTo(200);
    assertError(
        withBasic(CLIENT_ID, "wrong", form()),
        401,
        "invalid_client",
        "Invalid client credentials.");
  }

  @Test
  void item08MissingConnectorIsCheckedAfterTheSubjectToken() throws Exception {
    Map<String, String> form = form();
    form.remove("connector_id");
    assertError(exchange(form), 400, "invalid_request", "Requested connector does not exist.");
    form.remove("subject_token");
    assertError(exchange(form), 400, "invalid_request", "Missing subject_token");
  }

  @Test
  void item09UnknownConnectorIsCheckedBeforeTheSubjectToken() throws Exception {
    Map<String, String> form = form("connector_id", "doesnotexist");
    assertError(exchange(form), 400, "invalid_request", "Requested connector does not exist.");
    form.remove("subject_token");
    form.remove("subject_token_type");
    assertError(exchange(form), 400, "invalid_request", "Requested connector does not exist.");
  }

  @ParameterizedTest
  @MethodSource("nonExchangingConnectors")
  void item10ConnectorWithoutTokenIdentity(String connectorId) throws Exception {
    assertError(
        exchange(form("connector_id", connectorId)),
        400,
        "invalid_request",
        "Requested connector does not exist.");
  }

  static Stream<String> nonExchangingConnectors() {
    return Stream.of("local", "gh");
  }

  @ParameterizedTest
  @MethodSource("badSubjectTypes")
  void item11UnsupportedSubjectTokenType(String type) throws Exception {
    assertError(
        exchange(form("subject_token_type", type)),
        400,
        "request_not_supported",
        "Invalid subject_token_type.");
  }

  static Stream<String> badSubjectTypes() {
    return Stream.of(
        "urn:ietf:params:oauth:token-type:jwt",
        "urn:ietf:params:oauth:token-type:refresh_token",
        "urn:ietf:params:oauth:token-type:saml2",
        "URN:IETF:PARAMS:OAUTH:TOKEN-TYPE:ID_TOKEN");
  }

  @Test
  void item12RequestedTypeIsCheckedOnlyAfterVerification() throws Exception {
    String refresh = "urn:ietf:params:oauth:token-type:refresh_token";
    assertError(
        exchange(
            form(
                "connector_id",
                "strict",
                "subject_token",
                "good",
                "requested_token_type",
                refresh)),
        400,
        "request_not_supported",
        "Invalid requested_token_type.");
    assertError(
        exchange(
            form(
                "connector_id", "strict", "subject_token", "bad", "requested_token_type", refresh)),
        401,
        "access_denied",
        "");
  }

  @Test
  void upstreamRejectionIsABareAccessDenied() throws Exception {
    assertError(
        exchange(form("connector_id", "strict", "subject_token", "expired")),
        401,
        "access_denied",
        "");
  }

  @Test
  void item20EmptyScopeGivesTheMinimalClaimSet() throws Exception {
    HttpResponse<String> response = exchange(form("scope", ""));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode claims = JSON.readTree(payload(response));
    assertThat(names(claims)).containsExactly("iss", "sub", "aud", "exp", "iat", "jti", "at_hash");
    assertThat(claims.get("sub").asText()).isEqualTo(MOCK_SUB);
    assertThat(claims.get("iss").asText()).isEqualTo(ferry.issuer);
  }

  @Test
  void item21EveryScopeAddsItsClaimsButNoRefreshToken() throws Exception {
    HttpResponse<String> response =
        exchange(form("scope", "openid email profile groups federated:id offline_access"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(names(json(response)))
        .containsExactly("access_token", "issued_token_type", "token_type", "expires_in");
    JsonNode claims = JSON.readTree(payload(response));
    assertThat(names(claims))
        .containsExactly(
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "jti",
            "at_hash",
            "email",
            "email_verified",
            "groups",
            "name",
            "federated_claims");
    assertThat(claims.get("email").asText()).isEqualTo("kilgore@kilgore.trout");
    assertThat(claims.get("email_verified").asBoolean()).isTrue();
    assertThat(claims.get("groups").get(0).asText()).isEqualTo("authors");
    assertThat(claims.get("name").asText()).isEqualTo("Kilgore Trout");
    assertThat(claims.get("federated_claims").toString())
        .isEqualTo("{\"connector_id\":\"mock\",\"user_id\":\"0-385-28089-0\"}");
  }

  @Test
  void item22TrustedPeerJoinsTheAudience() throws Exception {
    HttpResponse<String> response =
        exchange(form("scope", "openid audience:server:client_id:peer"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode claims = JSON.readTree(payload(response));
    assertThat(claims.get("aud").toString()).isEqualTo("[\"peer\",\"client_1\"]");
    assertThat(claims.get("azp").asText()).isEqualTo(CLIENT_ID);
  }

  @ParameterizedTest
  @MethodSource("badPeers")
  void item22UntrustedOrUnknownPeerIsAServerError(String peer) throws Exception {
    assertError(
        exchange(form("scope", "openid audience:server:client_id:" + peer)),
        500,
        "server_error",
        "");
  }

  static Stream<String> badPeers() {
    return Stream.of("stranger", "nonexistent");
  }

  @Test
  void item23OwnAudienceStaysAString() throws Exception {
    HttpResponse<String> response =
        exchange(form("scope", "openid audience:server:client_id:client_1"));
    JsonNode claims = JSON.readTree(payload(response));
    assertThat(claims.get("aud").isTextual()).isTrue();
    assertThat(claims.get("aud").asText()).isEqualTo(CLIENT_ID);
    assertThat(claims.has("azp")).isFalse();
  }

  @Test
  void item24ResponseShape() throws Exception {
    HttpResponse<String> response = exchange(form());
    assertThat(response.statusCode()).isEqualTo(200);
    String token = json(response).get("access_token").asText();
    assertThat(response.body())
        .isEqualTo(
            "{\"access_token\":\""
                + token
                + "\",\"issued_token_type\":\""
                + ACCESS
                + "\",\"token_type\":\"bearer\",\"expires_in\":86399}");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
    assertThat(response.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void requestedIdTokenHasNoAtHash() throws Exception {
    HttpResponse<String> response = exchange(form("requested_token_type", ID));
    JsonNode claims = JSON.readTree(payload(response));
    assertThat(claims.has("at_hash")).isFalse();
    assertThat(claims.has("nonce")).isFalse();
  }

  @Test
  void item25ExchangedTokenWorksAtUserinfo() throws Exception {
    HttpResponse<String> exchanged = exchange(form("scope", "openid email"));
    String token = json(exchanged).get("access_token").asText();
    HttpResponse<String> userinfo =
        ferry.send(ferry.request("/userinfo").header("Authorization", "Bearer " + token).build());
    assertThat(userinfo.statusCode()).isEqualTo(200);
    assertThat(userinfo.body()).isEqualTo(payload(exchanged));
  }

  @Test
  void item26ExchangedTokenIsActiveAtIntrospection() throws Exception {
    String token = json(exchange(form())).get("access_token").asText();
    HttpResponse<String> response = ferry.postForm("/token/introspect", Map.of("token", token));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("active").asBoolean()).isTrue();
    assertThat(body.get("token_use").asText()).isEqualTo("access_token");
    assertThat(body.get("client_id").asText()).isEqualTo(CLIENT_ID);
  }

  @Test
  void item27ConnectorPolicyComesBeforeTheSubjectChecks() throws Exception {
    ferry
        .storage
        .clients()
        .create(Client.of("restricted", "r", "Restricted").withAllowedConnectors(List.of("other")));
    Map<String, String> form = form("client_id", "restricted", "client_secret", "r");
    form.remove("subject_token");
    assertError(exchange(form), 400, "invalid_grant", "Connector not allowed for this client.");
  }

  @Test
  void item28QueryParametersAreIgnored() throws Exception {
    String query =
        "?subject_token_type="
            + ID
            + "&subject_token=foobar&connector_id=mock&requested_token_type="
            + ACCESS;
    Map<String, String> body = form();
    body.remove("subject_token_type");
    body.remove("subject_token");
    HttpResponse<String> response =
        ferry.send(
            ferry
                .request("/token" + query)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(WebFixture.encode(body)))
                .build());
    assertError(response, 400, "request_not_supported", "Invalid subject_token_type.");
  }
}
