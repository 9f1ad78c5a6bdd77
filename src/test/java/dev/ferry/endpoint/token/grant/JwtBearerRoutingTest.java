package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.WebFixture.CLIENT_ID;
import static dev.ferry.endpoint.WebFixture.CLIENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.oidc.OidcConnectorFactory;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.cpu.CpuLane;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.policy.AuditRecord;
import dev.ferry.testing.UpstreamIssuer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a JWT bearer request without {@code connector_id} finds its connector: by the assertion's
 * {@code iss}, among the connectors whose configured token issuer it is ({@link
 * dev.ferry.endpoint.ConnectorIssuers}). Real {@code oidc} connectors verify over real HTTP against
 * in-process upstreams, each naming its configured issuer as its token issuer. Connector {@code a}
 * verifies issuer A; {@code b} and {@code c} both verify issuer B.
 */
class JwtBearerRoutingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static UpstreamIssuer issuerA;
  private static UpstreamIssuer issuerB;
  private static WebFixture ferry;

  @BeforeAll
  static void start() throws Exception {
    issuerA = UpstreamIssuer.builder().userInfo(false).start();
    issuerB = UpstreamIssuer.builder().userInfo(false).start();
    Map<String, UpstreamIssuer> upstreams = Map.of("a", issuerA, "b", issuerB, "c", issuerB);
    ferry =
        WebFixture.builder()
            .grantTypes(List.of(GrantTypes.TOKEN_EXCHANGE, GrantTypes.JWT_BEARER))
            .setup(storage -> {
              for (String id : List.of("a", "b", "c")) {
                storage
                    .connectors()
                    .create(
                        new dev.ferry.storage.Connector(
                            id,
                            "oidc",
                            id.toUpperCase(java.util.Locale.ROOT),
                            "1",
                            "{}",
                            List.of()));
              }
            })
            .connectorsWith((storage, cpu) -> {
              Map<String, TokenIdentityConnector> opened = new LinkedHashMap<>();
              upstreams.forEach((id, upstream) -> opened.put(id, open(id, upstream, cpu)));
              return id ->
                  storage
                      .connectors()
                      .get(id)
                      .flatMap(definition ->
                          Optional.ofNullable(opened.get(id))
                              .map(connector -> new OpenedConnector(definition, connector)));
            })
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (ferry != null) {
      ferry.close();
    }
    if (issuerA != null) {
      issuerA.close();
    }
    if (issuerB != null) {
      issuerB.close();
    }
  }

  private static TokenIdentityConnector open(String id, UpstreamIssuer upstream, CpuLane cpu) {
    try {
      String config =
          JSON.writeValueAsString(
              Map.of(
                  "issuer", upstream.issuer(), "scopes", List.of("openid"), "userNameKey", "sub"));
      return new OidcConnectorFactory(
              Clock.systemUTC(),
              UpstreamHttpSettings.defaults(),
              cpu,
              UpstreamBulkhead.Limits.defaults())
          .open(id, config);
    } catch (ConnectorException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String assertionOf(UpstreamIssuer upstream) {
    return upstream.token().audience(ferry.issuer).subject("workload").build();
  }

  private static Map<String, String> form(String assertion) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.JWT_BEARER);
    form.put("client_id", CLIENT_ID);
    form.put("client_secret", CLIENT_SECRET);
    form.put("scope", "openid federated:id");
    form.put("assertion", assertion);
    return form;
  }

  private static AuditRecord lastAudit() {
    return ferry.audits.get(ferry.audits.size() - 1);
  }

  @Test
  void theOnlyConnectorForTheIssuerVerifiesTheAssertion() throws Exception {
    TokenResponse response =
        OIDCTokenResponseParser.parse(
            new TokenRequest.Builder(
                    URI.create(ferry.webBase() + "/token"),
                    new ClientSecretPost(new ClientID(CLIENT_ID), new Secret(CLIENT_SECRET)),
                    new JWTBearerGrant(SignedJWT.parse(assertionOf(issuerA))))
                .scope(new Scope("openid", "federated:id"))
                .build()
                .toHTTPRequest()
                .send());

    assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
    OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
    assertThat(
            tokens
                .getOIDCTokens()
                .getIDToken()
                .getJWTClaimsSet()
                .getJSONObjectClaim("federated_claims"))
        .containsEntry("connector_id", "a")
        .containsEntry("user_id", "workload");
    AuditRecord record = lastAudit();
    assertThat(record.connectorId()).hasValue("a");
    assertThat(record.grantType()).hasValue(GrantTypes.JWT_BEARER);
    assertThat(record.toMap()).containsEntry("outcome", "issued");
  }

  @Test
  void severalConnectorsForTheIssuerNeedConnectorId() throws Exception {
    HttpResponse<String> ambiguous = ferry.postForm("/token", form(assertionOf(issuerB)));
    assertThat(ambiguous.statusCode()).isEqualTo(400);
    assertThat(ambiguous.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\",\"error_description\":\"Several connectors verify"
                + " assertions from issuer '"
                + issuerB.issuer()
                + "'; send connector_id.\"}");
    assertThat(lastAudit().toMap()).containsEntry("outcome", "error");

    Map<String, String> named = form(assertionOf(issuerB));
    named.put("connector_id", "c");
    HttpResponse<String> response = ferry.postForm("/token", named);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(lastAudit().connectorId()).hasValue("c");
  }

  @Test
  void anIssuerNoConnectorVerifiesIsInvalidGrant() throws Exception {
    HttpResponse<String> response =
        ferry.postForm(
            "/token",
            form(issuerA.token().issuer("https://nobody.example").audience(ferry.issuer).build()));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\",\"error_description\":\"No connector verifies assertions"
                + " from issuer 'https://nobody.example'; send connector_id.\"}");

    HttpResponse<String> noIss =
        ferry.postForm(
            "/token", form(issuerA.token().without("iss").audience(ferry.issuer).build()));
    assertThat(noIss.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\",\"error_description\":\"The assertion has no iss claim;"
                + " send connector_id.\"}");
  }

  @Test
  void connectorIdWinsAndTheConnectorStillChecksTheIssuer() throws Exception {
    TokenResponse response =
        OIDCTokenResponseParser.parse(
            new TokenRequest.Builder(
                    URI.create(ferry.webBase() + "/token"),
                    new ClientSecretPost(new ClientID(CLIENT_ID), new Secret(CLIENT_SECRET)),
                    new JWTBearerGrant(SignedJWT.parse(assertionOf(issuerA))))
                .customParameter("connector_id", "b")
                .build()
                .toHTTPRequest()
                .send());
    assertThat(response.indicatesSuccess()).isFalse();
    TokenErrorResponse error = response.toErrorResponse();
    assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_grant");
    assertThat(lastAudit().toMap()).containsEntry("outcome", "denied_token");
  }

  @Test
  void aMalformedAssertionCannotBeRouted() throws Exception {
    for (String malformed : List.of("not-a-jwt", "a.b.c", "....")) {
      HttpResponse<String> response = ferry.postForm("/token", form(malformed));
      assertThat(response.statusCode()).as(malformed).isEqualTo(400);
      assertThat(response.body())
          .as(malformed)
          .isEqualTo(
              "{\"error\":\"invalid_grant\",\"error_description\":\"The assertion is not a"
                  + " JWT.\"}");
    }
  }

  private static String b64(String json) {
    return java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * An encrypted (JWE) or unsecured ({@code alg: none}) assertion has no claims a connector vouches
   * for, and a payload that is no JSON object is no JWT: refused before routing, never routed by an
   * {@code iss} read from it.
   */
  @Test
  void anEncryptedUnsecuredOrNonObjectAssertionIsInvalidGrant() throws Exception {
    String claims =
        "{\"iss\":\"" + issuerA.issuer() + "\",\"aud\":\"" + ferry.issuer + "\",\"sub\":\"w\"}";
    Map<String, String> notSigned = new LinkedHashMap<>();
    notSigned.put("JWE", b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}") + ".a.b.c.d");
    notSigned.put("JWE dir", b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + "..aXY.Y3Q.dGFn");
    notSigned.put("alg none", b64("{\"alg\":\"none\"}") + "." + b64(claims) + ".");
    for (Map.Entry<String, String> entry : notSigned.entrySet()) {
      HttpResponse<String> response = ferry.postForm("/token", form(entry.getValue()));
      assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
      assertThat(response.body())
          .as(entry.getKey())
          .isEqualTo(
              "{\"error\":\"invalid_grant\",\"error_description\":\"The assertion is not a signed"
                  + " JWT.\"}");
      assertThat(lastAudit().toMap()).as(entry.getKey()).containsEntry("outcome", "error");
    }
    Map<String, String> notJwt = new LinkedHashMap<>();
    notJwt.put("array payload", b64("{\"alg\":\"RS256\"}") + "." + b64("[1]") + ".c2ln");
    notJwt.put("string payload", b64("{\"alg\":\"RS256\"}") + "." + b64("\"x\"") + ".c2ln");
    notJwt.put("null payload", b64("{\"alg\":\"RS256\"}") + "." + b64("null") + ".c2ln");
    notJwt.put("unsecured array", b64("{\"alg\":\"none\"}") + "." + b64("[1]") + ".");
    notJwt.put("numeric iss", b64("{\"alg\":\"RS256\"}") + "." + b64("{\"iss\":5}") + ".c2ln");
    for (Map.Entry<String, String> entry : notJwt.entrySet()) {
      HttpResponse<String> response = ferry.postForm("/token", form(entry.getValue()));
      assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
      assertThat(response.body())
          .as(entry.getKey())
          .isEqualTo(
              "{\"error\":\"invalid_grant\",\"error_description\":\"The assertion is not a"
                  + " JWT.\"}");
    }
  }
}
