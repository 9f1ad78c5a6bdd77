package dev.ferry.endpoint.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.Client;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
}
