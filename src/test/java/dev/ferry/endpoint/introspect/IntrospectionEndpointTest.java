package dev.ferry.endpoint.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.endpoint.FaultyStorage;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.token.RefreshPolicy;
import dev.ferry.token.RefreshTokenCodec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 7662 as Dex serves it: fields, order, inactive answers and errors. */
class IntrospectionEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private WebFixture ferry;

  @BeforeEach
  void start() throws Exception {
    ferry =
        WebFixture.builder()
            .setup(s ->
                s.clients()
                    .create(Client.of("peer", "p", "Peer").withTrustedPeers(List.of("client_1"))))
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    ferry.close();
  }

  private String exchange(String scope) throws Exception {
    Map<String, String> form = WebFixture.exchangeForm();
    form.put("scope", scope);
    return JSON.readTree(ferry.postForm("/token", form).body()).get("access_token").asText();
  }

  private HttpResponse<String> introspect(String token) throws Exception {
    return ferry.postForm("/token/introspect", Map.of("token", token));
  }

  private static void assertBadRequest(HttpResponse<String> response, String description) {
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\",\"error_description\":\""
                + description.replace("\"", "\\\"")
                + "\"}");
  }

  @Test
  void activeAccessTokenInDexsOrder() throws Exception {
    String token = exchange("openid email profile groups federated:id");
    HttpResponse<String> response = introspect(token);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    List<String> names = new ArrayList<>();
    body.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "active",
            "client_id",
            "sub",
            "exp",
            "iat",
            "nbf",
            "aud",
            "iss",
            "token_type",
            "token_use",
            "ext");
    assertThat(body.get("active").asBoolean()).isTrue();
    assertThat(body.get("client_id").asText()).isEqualTo("client_1");
    assertThat(body.get("sub").asText()).isEqualTo("Cg0wLTM4NS0yODA4OS0wEgRtb2Nr");
    assertThat(body.get("nbf").asLong()).isEqualTo(body.get("iat").asLong());
    assertThat(body.get("exp").asLong() - body.get("iat").asLong()).isEqualTo(86400);
    assertThat(body.get("aud").asText()).isEqualTo("client_1");
    assertThat(body.get("iss").asText()).isEqualTo(ferry.issuer);
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("token_use").asText()).isEqualTo("access_token");
    assertThat(body.get("ext").toString())
        .isEqualTo(
            "{\"email\":\"kilgore@kilgore.trout\",\"email_verified\":true,\"groups\":[\"authors\"],"
                + "\"name\":\"Kilgore Trout\",\"federated_claims\":{\"connector_id\":\"mock\","
                + "\"user_id\":\"0-385-28089-0\"}}");
  }

  @Test
  void crossClientTokenNamesTheRequesterThroughAzp() throws Exception {
    JsonNode body = JSON.readTree(introspect(exchange("audience:server:client_id:peer")).body());
    assertThat(body.get("client_id").asText()).isEqualTo("client_1");
    assertThat(body.get("aud").toString()).isEqualTo("[\"peer\",\"client_1\"]");
    assertThat(body.get("ext").get("azp").asText()).isEqualTo("client_1");
  }

  @Test
  void minimalTokenHasAnEmptyExt() throws Exception {
    JsonNode body = JSON.readTree(introspect(exchange("")).body());
    assertThat(body.get("ext").toString()).isEqualTo("{}");
    assertThat(body.has("username")).isFalse();
  }

  @Test
  void inactiveTokensLookAlike() throws Exception {
    String token = exchange("openid");
    for (String body :
        new String[] {
          "token=not-a-jwt", "token=" + token.substring(0, token.length() - 2) + "xx", "token="
        }) {
      HttpResponse<String> response =
          ferry.postRaw("/token/introspect", body, "application/x-www-form-urlencoded");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"active\":false}\n");
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
    }
    ferry.clock.advance(Duration.ofHours(24));
    assertThat(introspect(token).body()).isEqualTo("{\"active\":false}\n");
  }

  @Test
  void requestErrors() throws Exception {
    assertBadRequest(ferry.get("/token/introspect"), "HTTP method is \"GET\", expected \"POST\".");
    assertBadRequest(
        ferry.postRaw("/token/introspect", "", "application/x-www-form-urlencoded"),
        "The POST body can not be empty.");
    assertBadRequest(
        ferry.postRaw("/token/introspect", "token=abc", "application/json"),
        "The POST body can not be empty.");
    assertBadRequest(
        ferry.postForm("/token/introspect", Map.of("token_type_hint", "access_token")),
        "The POST body doesn't contain 'token' parameter.");
    assertBadRequest(
        ferry.postRaw("/token/introspect", "token=%zz", "application/x-www-form-urlencoded"),
        "Unable to parse HTTP body, make sure to send a properly formatted form request body.");
  }

  @Test
  void tokenOfADeletedClientIsAServerError() throws Exception {
    String token = exchange("openid");
    ferry.storage.clients().delete("client_1");
    HttpResponse<String> response = introspect(token);
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"error\":\"server_error\"}");
  }

  private static final RefreshPolicy DAY_LIFETIME =
      new RefreshPolicy(true, Duration.ofHours(24), Duration.ZERO, Duration.ZERO);

  /** Dex's server_introspection_test.go row: user "1" of connector "test", client_1's. */
  private static RefreshToken refreshRow(String id, String secret, Claims claims) {
    return new RefreshToken(
        id,
        secret,
        "",
        WebFixture.START,
        WebFixture.START,
        WebFixture.CLIENT_ID,
        "test",
        "{\"some\":\"data\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        claims,
        List.of("openid", "email", "profile"),
        "foo");
  }

  private static final Claims JANE =
      new Claims("1", "jane", "", "jane.doe@example.com", true, List.of("a", "b"));

  private static String activeRefresh(long exp, String issuer) {
    long iat = WebFixture.START.getEpochSecond();
    return "{\"active\":true,\"client_id\":\"client_1\",\"sub\":\"CgExEgR0ZXN0\",\"exp\":"
        + exp
        + ",\"iat\":"
        + iat
        + ",\"nbf\":"
        + iat
        + ",\"aud\":\"client_1\",\"iss\":\""
        + issuer
        + "\",\"token_type\":\"Bearer\",\"token_use\":\"refresh_token\",\"ext\":{\"email\":"
        + "\"jane.doe@example.com\",\"email_verified\":true,\"groups\":[\"a\",\"b\"],"
        + "\"name\":\"jane\"}}";
  }

  @Test
  void activeRefreshTokenInDexsMembers() throws Exception {
    try (WebFixture f = WebFixture.builder().refreshPolicy(DAY_LIFETIME).build()) {
      f.storage.refreshTokens().create(refreshRow("test", "bar", JANE));
      HttpResponse<String> response =
          f.postForm(
              "/token/introspect",
              Map.of(
                  "token",
                  RefreshTokenCodec.encode("test", "bar"),
                  "token_type_hint",
                  "refresh_token"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(response.body())
          .isEqualTo(activeRefresh(WebFixture.START.getEpochSecond() + 86400, f.issuer));
    }
  }

  @Test
  void refreshTokenNamesItsPreferredUsernameAndOmitsEmptyClaims() throws Exception {
    ferry
        .storage
        .refreshTokens()
        .create(refreshRow("pref", "bar", new Claims("1", "", "jd", "", false, List.of())));
    String body = introspect(RefreshTokenCodec.encode("pref", "bar")).body();
    assertThat(body)
        .contains("\"nbf\":" + WebFixture.START.getEpochSecond() + ",\"username\":\"jd\",\"aud\"")
        .endsWith(
            "\"token_use\":\"refresh_token\",\"ext\":{\"email_verified\":false,"
                + "\"preferred_username\":\"jd\"}}");
  }

  @Test
  void withoutAbsoluteLifetimeExpIsTheCreationAsInDex() throws Exception {
    ferry.storage.refreshTokens().create(refreshRow("test", "bar", JANE));
    assertThat(introspect(RefreshTokenCodec.encode("test", "bar")).body())
        .isEqualTo(activeRefresh(WebFixture.START.getEpochSecond(), ferry.issuer));
  }

  @Test
  void rawLegacyRefreshIdIsAccepted() throws Exception {
    ferry.storage.refreshTokens().create(refreshRow("legacy-id", "", JANE));
    JsonNode body = JSON.readTree(introspect("legacy-id").body());
    assertThat(body.get("active").asBoolean()).isTrue();
    assertThat(body.get("token_use").asText()).isEqualTo("refresh_token");
  }

  @Test
  void refusedRefreshTokensAreInactive() throws Exception {
    try (WebFixture f = WebFixture.builder().refreshPolicy(DAY_LIFETIME).build()) {
      f.storage.refreshTokens().create(refreshRow("test", "bar", JANE));
      f.storage.refreshTokens().create(refreshRow("legacy-id", "", JANE));
      for (String token :
          List.of(
              RefreshTokenCodec.encode("test", "wrong"),
              RefreshTokenCodec.encode("unknown", "bar"),
              "unknown-raw-id",
              // a raw id names a row that has a secret: the secret is missing
              "test")) {
        HttpResponse<String> response = f.postForm("/token/introspect", Map.of("token", token));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"active\":false}\n");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      }
      String good = RefreshTokenCodec.encode("test", "bar");
      f.clock.advance(Duration.ofHours(23));
      assertThat(f.postForm("/token/introspect", Map.of("token", good)).body())
          .startsWith("{\"active\":true,");
      f.clock.advance(Duration.ofHours(2));
      assertThat(f.postForm("/token/introspect", Map.of("token", good)).body())
          .isEqualTo("{\"active\":false}\n");
      assertThat(f.postForm("/token/introspect", Map.of("token", "legacy-id")).body())
          .isEqualTo("{\"active\":false}\n");
    }
  }

  @Test
  void aReplacedSecretIsInactive() throws Exception {
    ferry.storage.refreshTokens().create(refreshRow("test", "bar", JANE));
    ferry
        .storage
        .refreshTokens()
        .update(
            "test",
            old ->
                new RefreshToken(
                    old.id(),
                    "new-secret",
                    "bar",
                    old.createdAt(),
                    Instant.parse("2026-03-04T05:06:08Z"),
                    old.clientId(),
                    old.connectorId(),
                    old.connectorData(),
                    old.claims(),
                    old.scopes(),
                    old.nonce()));
    assertThat(introspect(RefreshTokenCodec.encode("test", "bar")).body())
        .isEqualTo("{\"active\":false}\n");
    assertThat(introspect(RefreshTokenCodec.encode("test", "new-secret")).body())
        .startsWith("{\"active\":true,");
  }

  @Test
  void refreshTokenStorageFailureIsAServerError() throws Exception {
    AtomicBoolean down = new AtomicBoolean(false);
    try (WebFixture f =
        WebFixture.builder()
            .storage(
                FaultyStorage.wrap(
                    new MemoryStorage(), down, (method, arg) -> method.equals("getRefreshToken")))
            .build()) {
      f.storage.refreshTokens().create(refreshRow("test", "bar", JANE));
      down.set(true);
      HttpResponse<String> response =
          f.postForm("/token/introspect", Map.of("token", RefreshTokenCodec.encode("test", "bar")));
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo("{\"error\":\"server_error\"}");
    }
  }
}
