package dev.ferry.endpoint.token.grant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.policy.AuditOutcome;
import dev.ferry.policy.AuditRecord;
import dev.ferry.storage.Client;
import dev.ferry.token.SubjectCodec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client_credentials grant as Dex HEAD serves it (Dex: server/server_grant_clientcredentials
 * _test.go TestHandleClientCredentials and server/grants/clientcredentials.go), through real HTTP:
 * Dex's client {@code test}/{@code barfoo} named "Test Client", every scope rule with Dex's exact
 * texts, the public-client refusal, the claims and the {@code sub} with no connector.
 */
class ClientCredentialsGrantTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static WebFixture ferry;

  @BeforeAll
  static void start() throws Exception {
    ferry =
        WebFixture.builder()
            .setup(storage -> {
              storage.clients().create(Client.of("test", "barfoo", "Test Client"));
              storage
                  .clients()
                  .create(
                      new Client(
                          "grouped",
                          "barfoo",
                          List.of(),
                          List.of(),
                          false,
                          "Grouped",
                          "",
                          List.of(),
                          List.of(),
                          "",
                          "",
                          List.of(),
                          List.of(),
                          List.of("admin-group", "dev-group")));
              storage.clients().create(Client.of("pub", "pubsecret", "Public").withPublic(true));
              // "peer" trusts "test"; "aloof" trusts nobody.
              storage
                  .clients()
                  .create(
                      new Client(
                          "peer",
                          "x",
                          List.of(),
                          List.of("test"),
                          false,
                          "Peer",
                          "",
                          List.of(),
                          List.of(),
                          "",
                          "",
                          List.of(),
                          List.of(),
                          List.of()));
              storage.clients().create(Client.of("aloof", "x", "Aloof"));
            })
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    ferry.close();
  }

  private static HttpResponse<String> post(String client, String secret, String scope)
      throws Exception {
    return post(client, secret, scope, Map.of());
  }

  private static HttpResponse<String> post(
      String client, String secret, String scope, Map<String, String> extra) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.CLIENT_CREDENTIALS);
    form.put("scope", scope);
    form.putAll(extra);
    String basic =
        Base64.getEncoder()
            .encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return ferry.send(
        ferry
            .request("/token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Basic " + basic)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(WebFixture.encode(form)))
            .build());
  }

  private static JWTClaimsSet claims(String jwt) throws Exception {
    SignedJWT signed = SignedJWT.parse(jwt);
    assertThat(signed.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(WebFixture.key())))
        .isTrue();
    return signed.getJWTClaimsSet();
  }

  /** The audit record the request left: exactly one, found by its request id. */
  private static AuditRecord auditOf(HttpResponse<String> response) {
    String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
    List<AuditRecord> records =
        ferry.audits.stream().filter(r -> r.requestId().equals(requestId)).toList();
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  @Test
  void everyRequestLeavesAnAuditRecordIssuedOrRefused() throws Exception {
    HttpResponse<String> issued = post("grouped", "barfoo", "groups");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    AuditRecord record = auditOf(issued);
    assertThat(record.outcome()).isEqualTo(AuditOutcome.ISSUED);
    assertThat(record.grantType()).contains(GrantTypes.CLIENT_CREDENTIALS);
    assertThat(record.clientId()).contains("grouped");
    assertThat(record.subject()).isEmpty();
    assertThat(record.issued()).isPresent();
    assertThat(record.issued().get().audience()).containsExactly("grouped");
    assertThat(record.issued().get().jti())
        .isEqualTo(claims(JSON.readTree(issued.body()).get("access_token").asText()).getJWTID());

    HttpResponse<String> publicClient = post("pub", "pubsecret", "");
    assertThat(publicClient.statusCode()).isEqualTo(400);
    assertThat(auditOf(publicClient).outcome()).isEqualTo(AuditOutcome.ERROR);
    assertThat(auditOf(publicClient).error()).contains("unauthorized_client");

    HttpResponse<String> badScope = post("test", "barfoo", "offline_access");
    assertThat(auditOf(badScope).error()).contains("invalid_scope");

    HttpResponse<String> wrongSecret = post("test", "wrong", "");
    assertThat(wrongSecret.statusCode()).isEqualTo(401);
    AuditRecord refused = auditOf(wrongSecret);
    assertThat(refused.error()).contains("invalid_client");
    assertThat(refused.clientId()).isEmpty();
    assertThat(refused.grantType()).contains(GrantTypes.CLIENT_CREDENTIALS);
  }

  @Test
  void noScopesGivesAnAccessTokenOnly() throws Exception {
    HttpResponse<String> response = post("test", "barfoo", "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.fieldNames())
        .toIterable()
        .containsExactly("access_token", "token_type", "expires_in");
    assertThat(body.path("token_type").asText()).isEqualTo("bearer");
    assertThat(body.path("expires_in").asLong()).isBetween(86_398L, 86_400L);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");

    JWTClaimsSet access = claims(body.path("access_token").asText());
    // Dex's worked vector: client_credentials for client "test" has no connector in sub.
    assertThat(access.getSubject())
        .isEqualTo("CgR0ZXN0")
        .isEqualTo(SubjectCodec.encode("test", ""));
    assertThat(access.getAudience()).containsExactly("test");
    assertThat(access.getIssuer()).isEqualTo(ferry.issuer);
    assertThat(access.getStringClaim("at_hash")).isNotEmpty();
    assertThat(access.getClaims()).doesNotContainKeys("name", "groups", "nonce", "email");
  }

  @Test
  void openidAddsAnIdTokenBoundToTheAccessTokenAndNeverARefreshToken() throws Exception {
    HttpResponse<String> response =
        post("test", "barfoo", "openid email profile groups", Map.of("nonce", "n-0S6"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.has("refresh_token")).isFalse();
    JWTClaimsSet id = claims(body.path("id_token").asText());
    assertThat(id.getSubject()).isEqualTo("CgR0ZXN0");
    assertThat(id.getStringClaim("name")).isEqualTo("Test Client");
    assertThat(id.getStringClaim("preferred_username")).isEqualTo("Test Client");
    assertThat(id.getStringClaim("nonce")).isEqualTo("n-0S6");
    // Dex: email_verified is always present with the email scope; the client has no email.
    assertThat(id.getBooleanClaim("email_verified")).isFalse();
    assertThat(id.getClaims()).doesNotContainKeys("email", "groups");
    assertThat(id.getStringClaim("at_hash")).isNotEmpty();
    JWTClaimsSet access = claims(body.path("access_token").asText());
    assertThat(access.getStringClaim("nonce")).isEqualTo("n-0S6");
  }

  @Test
  void groupsComeFromClientCredentialsClaims() throws Exception {
    HttpResponse<String> response = post("grouped", "barfoo", "openid groups");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JWTClaimsSet id = claims(JSON.readTree(response.body()).path("id_token").asText());
    assertThat(id.getStringListClaim("groups")).containsExactly("admin-group", "dev-group");
    assertThat(id.getClaims()).doesNotContainKeys("name", "preferred_username");

    HttpResponse<String> withoutScope = post("grouped", "barfoo", "openid");
    JWTClaimsSet bare = claims(JSON.readTree(withoutScope.body()).path("id_token").asText());
    assertThat(bare.getClaims()).doesNotContainKey("groups");
  }

  @Test
  void aTrustedCrossClientScopeAddsThePeerAudience() throws Exception {
    HttpResponse<String> response = post("test", "barfoo", "openid audience:server:client_id:peer");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JWTClaimsSet id = claims(JSON.readTree(response.body()).path("id_token").asText());
    assertThat(id.getAudience()).containsExactly("peer", "test");
    assertThat(id.getStringClaim("azp")).isEqualTo("test");
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "test",
            "barfoo",
            "openid offline_access",
            400,
            "{\"error\":\"invalid_scope\",\"error_description\":\"client_credentials grant does not"
                + " support offline_access scope.\"}"),
        Arguments.of(
            "test",
            "barfoo",
            "federated:id",
            400,
            "{\"error\":\"invalid_scope\",\"error_description\":\"client_credentials grant does not"
                + " support federated:id scope.\"}"),
        // A refused scope ends the loop at once, even after an unknown one.
        Arguments.of(
            "test",
            "barfoo",
            "bogus offline_access",
            400,
            "{\"error\":\"invalid_scope\",\"error_description\":\"client_credentials grant does not"
                + " support offline_access scope.\"}"),
        Arguments.of(
            "test",
            "barfoo",
            "openid bogus \"q\"",
            400,
            "{\"error\":\"invalid_scope\",\"error_description\":\"Unrecognized scope(s) [\\\"bogus\\\""
                + " \\\"\\\\\\\"q\\\\\\\"\\\"]\"}"),
        // Unknown scopes are reported before untrusted cross-client ones.
        Arguments.of(
            "test",
            "barfoo",
            "audience:server:client_id:aloof bogus",
            400,
            "{\"error\":\"invalid_scope\",\"error_description\":\"Unrecognized scope(s)"
                + " [\\\"bogus\\\"]\"}"),
        Arguments.of(
            "test",
            "barfoo",
            "openid audience:server:client_id:aloof audience:server:client_id:nobody",
            400,
            "{\"error\":\"invalid_scope\",\"error_description\":\"Client can't request scope(s)"
                + " [\\\"audience:server:client_id:aloof\\\""
                + " \\\"audience:server:client_id:nobody\\\"]\"}"),
        Arguments.of(
            "pub",
            "pubsecret",
            "openid",
            400,
            "{\"error\":\"unauthorized_client\",\"error_description\":\"Public clients cannot use"
                + " client_credentials grant.\"}"),
        // Dex validates the scopes before it looks at the client's kind.
        Arguments.of(
            "pub",
            "pubsecret",
            "offline_access",
            400,
            "{\"error\":\"invalid_scope\",\"error_description\":\"client_credentials grant does not"
                + " support offline_access scope.\"}"),
        Arguments.of(
            "test",
            "wrong",
            "",
            401,
            "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client credentials.\"}"),
        Arguments.of(
            "nonexistent",
            "secret",
            "",
            401,
            "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client credentials.\"}"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void refusalsUseDexsCodesAndTexts(
      String client, String secret, String scope, int status, String body) throws Exception {
    HttpResponse<String> response = post(client, secret, scope);
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).isEqualTo(body);
  }

  @Test
  void notServedUnlessEnabled() throws Exception {
    try (WebFixture dexDefault =
        WebFixture.builder().grantTypes(List.of(GrantTypes.TOKEN_EXCHANGE)).build()) {
      Map<String, String> form = new LinkedHashMap<>();
      form.put("grant_type", GrantTypes.CLIENT_CREDENTIALS);
      form.put("client_id", WebFixture.CLIENT_ID);
      form.put("client_secret", WebFixture.CLIENT_SECRET);
      HttpResponse<String> response = dexDefault.postForm("/token", form);
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"error\":\"unsupported_grant_type\"}");
    }
  }

  @Test
  void withoutFederatedCredentialsAssertionParametersAreIgnoredAsDexIgnoresThem() throws Exception {
    HttpResponse<String> response =
        post(
            "test",
            "barfoo",
            "openid",
            Map.of(
                "client_assertion_type",
                GrantTypes.CLIENT_ASSERTION_JWT_BEARER,
                "client_assertion",
                "not-even-a-jwt"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** A real client library: the Nimbus OAuth 2.0 SDK with client_secret_basic. */
  @Test
  void theNimbusSdkGetsATokenWithClientSecretBasic() throws Exception {
    TokenRequest request =
        new TokenRequest.Builder(
                URI.create(ferry.webBase() + "/token"),
                new ClientSecretBasic(new ClientID("test"), new Secret("barfoo")),
                new ClientCredentialsGrant())
            .scope(new Scope("openid", "profile"))
            .build();
    TokenResponse response = OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
    assertThat(response.indicatesSuccess())
        .as(() -> response.toErrorResponse().getErrorObject().toString())
        .isTrue();
    OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
    assertThat(tokens.getTokens().getRefreshToken()).isNull();
    assertThat(tokens.getTokens().getAccessToken().getLifetime()).isBetween(86_398L, 86_400L);
    JWTClaimsSet id = claims(tokens.getOIDCTokens().getIDTokenString());
    assertThat(id.getSubject()).isEqualTo("CgR0ZXN0");
    assertThat(id.getStringClaim("name")).isEqualTo("Test Client");

    TokenRequest wrong =
        new TokenRequest.Builder(
                URI.create(ferry.webBase() + "/token"),
                new ClientSecretBasic(new ClientID("test"), new Secret("nope")),
                new ClientCredentialsGrant())
            .build();
    TokenResponse refused = TokenResponse.parse(wrong.toHTTPRequest().send());
    assertThat(refused.indicatesSuccess()).isFalse();
    TokenErrorResponse error = refused.toErrorResponse();
    assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_client");
    assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(401);
  }
}
