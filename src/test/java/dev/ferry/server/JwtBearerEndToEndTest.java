package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RFC 7523 JWT bearer grant as a user configures it: a whole Ferry started from YAML with the
 * grant in {@code oauth2.grantTypes}, {@code oidc} connectors with and without {@code trust}
 * blocks, an in-process upstream issuer, real HTTP, the audit file and the metrics. A second Ferry
 * on a Dex config shows the grant is neither served nor advertised unless enabled.
 */
class JwtBearerEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final String TRUSTED_AUDIENCE = "ferry";
  private static final String RESOURCE = "https://api.example.com/v1";
  private static final String INVALID =
      "{\"error\":\"invalid_grant\",\"error_description\":\"The assertion is invalid, expired,"
          + " not addressed to this server, or already used.\"}";

  @TempDir static Path dir;
  private static MutableClock clock;
  private static UpstreamIssuer upstream;
  private static RunningFerry ferry;
  private static RunningFerry dex;
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
          type: sqlite3
          config:
            file: %1$s
        web:
          http: ${WEB}
        telemetry:
          http: ${TELEMETRY}
        audit:
          path: %2$s
        oauth2:
          grantTypes:
          - urn:ietf:params:oauth:grant-type:token-exchange
          - urn:ietf:params:oauth:grant-type:jwt-bearer
        connectors:
        - type: oidc
          id: ci
          name: CI
          config:
            issuer: %3$s
            scopes: [openid, groups]
            userNameKey: sub
          trust:
            audiences: ["%4$s"]
            rules:
            - name: deploy
              clients: [deployer]
              condition: claims.repository == "octo/app"
              username: 'claims.repository'
              groups: '["deployers", "repo:" + claims.repository]'
              claims:
                repository: claims.repository
              expiry: 10m
              audiences: [billing, "${ISSUER}"]
              resources: ["%5$s", "${ISSUER}/token"]
        - type: oidc
          id: once
          name: Single use
          config:
            issuer: %3$s
            scopes: [openid]
            userNameKey: sub
          trust:
            singleUse: true
        - type: oidc
          id: plain
          name: A Dex connector without trust
          config:
            issuer: %3$s
            scopes: [openid]
            userNameKey: sub
        - type: oidc
          id: exchange-only
          name: Token exchange only
          grantTypes: [urn:ietf:params:oauth:grant-type:token-exchange]
          config:
            issuer: %3$s
            scopes: [openid]
            userNameKey: sub
        staticClients:
        - id: deployer
          name: Deployer
          secret: deployer-secret
        - id: confined
          name: Only the plain connector
          secret: confined-secret
          allowedConnectors: [plain]
        - id: api
          name: An API that trusts the deployer
          secret: api-secret
          trustedPeers: [deployer]
        """
            .formatted(
                dir.resolve("ferry.db"), auditFile, upstream.issuer(), TRUSTED_AUDIENCE, RESOURCE);
    ferry = RunningFerry.start(dir, yaml, clock);
    String dexYaml =
        """
        issuer: ${ISSUER}
        storage:
          type: sqlite3
          config:
            file: %1$s
        web:
          http: ${WEB}
        connectors:
        - type: oidc
          id: plain
          name: Plain
          config:
            issuer: %2$s
            scopes: [openid]
            userNameKey: sub
        staticClients:
        - id: deployer
          name: Deployer
          secret: deployer-secret
        """
            .formatted(dir.resolve("dex.db"), upstream.issuer());
    dex = RunningFerry.start(dir, dexYaml, clock);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {ferry, dex, upstream}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          // best effort
        }
      }
    }
  }

  /** An assertion for Ferry: {@code aud} is Ferry's issuer, the repository is trusted. */
  private static UpstreamToken assertion() {
    return upstream
        .token()
        .subject("repo:octo/app:ref:refs/heads/main")
        .audience(ferry.issuer)
        .claim("repository", "octo/app");
  }

  private static Map<String, String> form(String connectorId, String assertion) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GRANT);
    if (!connectorId.isEmpty()) {
      form.put("connector_id", connectorId);
    }
    form.put("assertion", assertion);
    return form;
  }

  private static HttpResponse<String> post(Map<String, String> form) throws Exception {
    return ferry.postForm("/token", form, "deployer:deployer-secret");
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static JWTClaimsSet accessClaims(HttpResponse<String> response) throws Exception {
    return SignedJWT.parse(json(response).path("access_token").asText()).getJWTClaimsSet();
  }

  /** The RFC 7523 request a Nimbus OAuth SDK client sends, answered and parsed by Nimbus. */
  private static TokenResponse nimbus(String connectorId, String assertion, Scope scope)
      throws Exception {
    TokenRequest.Builder request =
        new TokenRequest.Builder(
                URI.create(ferry.base + "/token"),
                new ClientSecretBasic(new ClientID("deployer"), new Secret("deployer-secret")),
                new JWTBearerGrant(SignedJWT.parse(assertion)))
            .scope(scope);
    if (!connectorId.isEmpty()) {
      request.customParameter("connector_id", connectorId);
    }
    return OIDCTokenResponseParser.parse(request.build().toHTTPRequest().send());
  }

  private static List<JsonNode> auditRecords() throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(auditFile, StandardCharsets.UTF_8)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  private static JsonNode auditOf(HttpResponse<String> response) throws Exception {
    String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
    List<JsonNode> matching =
        auditRecords().stream()
            .filter(r -> r.path("request_id").asText().equals(requestId))
            .toList();
    assertThat(matching).as("audit records of request " + requestId).hasSize(1);
    return matching.get(0);
  }

  @Test
  void aNimbusClientGetsAnAccessTokenAndAnIdTokenWithOpenid() throws Exception {
    TokenResponse response =
        nimbus("plain", assertion().build(), new Scope("openid", "groups", "federated:id"));

    assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
    OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
    assertThat(tokens.getOIDCTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.BEARER);
    assertThat(tokens.getOIDCTokens().getAccessToken().getLifetime()).isBetween(86398L, 86400L);
    assertThat(tokens.getOIDCTokens().getRefreshToken()).isNull();
    JWTClaimsSet idToken = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet();
    assertThat(idToken.getIssuer()).isEqualTo(ferry.issuer);
    assertThat(idToken.getAudience()).containsExactly("deployer");
    assertThat(idToken.getClaim("at_hash")).isNotNull();
    assertThat(idToken.getJSONObjectClaim("federated_claims"))
        .containsEntry("connector_id", "plain")
        .containsEntry("user_id", "repo:octo/app:ref:refs/heads/main");
    JWTClaimsSet access =
        SignedJWT.parse(tokens.getOIDCTokens().getAccessToken().getValue()).getJWTClaimsSet();
    assertThat(access.getSubject()).isEqualTo(idToken.getSubject());
  }

  @Test
  void withoutOpenidThereIsOnlyAnAccessTokenAndNeverARefreshToken() throws Exception {
    Map<String, String> form = form("plain", assertion().build());
    form.put("scope", "groups offline_access");
    HttpResponse<String> response = post(form);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    List<String> members = new ArrayList<>();
    json(response).fieldNames().forEachRemaining(members::add);
    assertThat(members).containsExactly("access_token", "token_type", "expires_in");
    assertThat(json(response).path("token_type").asText()).isEqualTo("bearer");
    TokenResponse viaNimbus =
        nimbus("plain", assertion().build(), new Scope("groups", "offline_access"));
    assertThat(viaNimbus.indicatesSuccess()).as(String.valueOf(viaNimbus)).isTrue();
    AccessTokenResponse parsed = viaNimbus.toSuccessResponse();
    assertThat(parsed.getTokens().getRefreshToken()).isNull();
    assertThat(parsed.getTokens().toOIDCTokens().getIDTokenString()).isNull();
  }

  @Test
  void theAudienceMayBeTheIssuerTheTokenEndpointOrATrustAudienceButNothingElse() throws Exception {
    String tokenEndpoint = ferry.issuer + "/token";
    assertThat(post(form("plain", assertion().audience(ferry.issuer).build())).statusCode())
        .isEqualTo(200);
    assertThat(post(form("plain", assertion().audience(tokenEndpoint).build())).statusCode())
        .isEqualTo(200);
    assertThat(
            post(form("plain", assertion().audience(List.of("other", tokenEndpoint)).build()))
                .statusCode())
        .isEqualTo(200);
    // trust.audiences of the connector "ci" names "ferry"; "plain" has no trust block.
    assertThat(post(form("ci", assertion().audience(TRUSTED_AUDIENCE).build())).statusCode())
        .isEqualTo(200);

    HttpResponse<String> unlisted = post(form("plain", assertion().audience("ferry").build()));
    assertThat(unlisted.statusCode()).isEqualTo(400);
    assertThat(unlisted.body()).isEqualTo(INVALID);
    HttpResponse<String> other = post(form("ci", assertion().audience("clientID").build()));
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).isEqualTo(INVALID);
    // The issuer with a trailing slash is another string (RFC 7523 §3: simple comparison).
    HttpResponse<String> slash =
        post(form("plain", assertion().audience(ferry.issuer + "/").build()));
    assertThat(slash.body()).isEqualTo(INVALID);
    assertThat(auditOf(other).path("outcome").asText()).isEqualTo("denied_token");
  }

  @Test
  void badAssertionsAreInvalidGrant() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(
        "expired",
        assertion()
            .claim("iat", clock.instant().minusSeconds(7200).getEpochSecond())
            .expiresAt(clock.instant().minusSeconds(3600))
            .build());
    bad.put(
        "unknown kid",
        assertion().signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA).kid("nope").build());
    bad.put(
        "unpublished key", assertion().signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA).build());
    bad.put("alg none", assertion().signedWith(UpstreamToken.Signing.NONE).build());
    bad.put(
        "HS256 with the RSA public key",
        assertion().signedWith(UpstreamToken.Signing.HMAC_WITH_PUBLIC_KEY).build());
    bad.put("another issuer", assertion().issuer("https://evil.example").build());
    bad.put("tampered", assertion().tamperPayload(p -> p[p.length - 3] ^= 1).build());
    bad.put("malformed", "not-a-jwt");
    bad.put("two parts", "eyJhbGciOiJSUzI1NiJ9.e30");
    for (Map.Entry<String, String> entry : bad.entrySet()) {
      HttpResponse<String> response = post(form("plain", entry.getValue()));
      assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
      assertThat(response.body()).as(entry.getKey()).isEqualTo(INVALID);
      assertThat(auditOf(response).path("outcome").asText())
          .as(entry.getKey())
          .isEqualTo("denied_token");
    }
  }

  @Test
  void aSingleUseAssertionIsAcceptedOnce() throws Exception {
    String once = assertion().claim("jti", UUID.randomUUID().toString()).build();
    HttpResponse<String> first = post(form("once", once));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    HttpResponse<String> replay = post(form("once", once));
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).isEqualTo(INVALID);
    JsonNode record = auditOf(replay);
    assertThat(record.path("outcome").asText()).isEqualTo("denied_token");
    assertThat(record.path("grant_type").asText()).isEqualTo(GRANT);
    // Without a jti a single-use connector cannot tell a replay: refused.
    assertThat(post(form("once", assertion().build())).body()).isEqualTo(INVALID);
  }

  @Test
  void theDecidingTrustRuleShapesTheIssuedTokenAndTheAuditRecordSaysSo() throws Exception {
    Map<String, String> form = form("ci", assertion().audience(TRUSTED_AUDIENCE).build());
    form.put("scope", "openid groups profile");
    HttpResponse<String> response = post(form);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    JWTClaimsSet claims = accessClaims(response);
    assertThat(claims.getStringClaim("name")).isEqualTo("octo/app");
    assertThat(claims.getStringListClaim("groups")).containsExactly("deployers", "repo:octo/app");
    assertThat(claims.getStringClaim("repository")).isEqualTo("octo/app");
    // expiry: 10m caps expiry.idTokens (24h), in the token and in expires_in.
    assertThat(claims.getExpirationTime().toInstant())
        .isBetween(clock.instant().plusSeconds(599), clock.instant().plusSeconds(600));
    assertThat(json(response).path("expires_in").asLong()).isBetween(598L, 600L);
    JWTClaimsSet idToken =
        SignedJWT.parse(json(response).path("id_token").asText()).getJWTClaimsSet();
    assertThat(idToken.getStringListClaim("groups")).containsExactly("deployers", "repo:octo/app");

    JsonNode record = auditOf(response);
    List<String> members = new ArrayList<>();
    record.fieldNames().forEachRemaining(members::add);
    assertThat(members)
        .containsExactly(
            "time",
            "request_id",
            "outcome",
            "grant_type",
            "client_id",
            "connector_id",
            "subject",
            "rule",
            "rules",
            "issued",
            "remote_addr");
    assertThat(record.path("outcome").asText()).isEqualTo("issued");
    assertThat(record.path("grant_type").asText()).isEqualTo(GRANT);
    assertThat(record.path("rule").asText()).isEqualTo("deploy");
    assertThat(record.path("subject").path("aud").get(0).asText()).isEqualTo(TRUSTED_AUDIENCE);
    assertThat(record.path("issued").path("jti").asText()).isEqualTo(claims.getJWTID());
    assertThat(record.toString()).doesNotContain(form.get("assertion"));

    String metrics = ferry.get(ferry.telemetry() + "/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "ferry_jwt_bearer_total\\{client=\"deployer\",connector=\"ci\",outcome=\"issued\","
                + "rule=\"deploy\"} [1-9]");
  }

  @Test
  void aSubjectTheTrustRulesRefuseIsInvalidGrant() throws Exception {
    HttpResponse<String> response =
        post(
            form(
                "ci",
                assertion().audience(TRUSTED_AUDIENCE).claim("repository", "evil/app").build()));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\",\"error_description\":\"The assertion's subject is not"
                + " allowed by the connector's trust rules.\"}");
    JsonNode record = auditOf(response);
    assertThat(record.path("outcome").asText()).isEqualTo("denied_policy");
    assertThat(record.path("error").asText()).isEqualTo("invalid_grant");
    assertThat(record.path("rules").get(0).path("name").asText()).isEqualTo("deploy");
  }

  @Test
  void theConnectorPolicyApplies() throws Exception {
    HttpResponse<String> forbidden = post(form("exchange-only", assertion().build()));
    assertThat(forbidden.statusCode()).isEqualTo(400);
    assertThat(forbidden.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\",\"error_description\":\"Requested connector does not"
                + " support this grant type.\"}");
    assertThat(auditOf(forbidden).path("outcome").asText()).isEqualTo("error");

    Map<String, String> form = form("ci", assertion().audience(TRUSTED_AUDIENCE).build());
    HttpResponse<String> notAllowed = ferry.postForm("/token", form, "confined:confined-secret");
    assertThat(notAllowed.statusCode()).isEqualTo(400);
    assertThat(notAllowed.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\",\"error_description\":\"Connector not allowed for this"
                + " client.\"}");
    HttpResponse<String> allowed =
        ferry.postForm("/token", form("plain", assertion().build()), "confined:confined-secret");
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);

    HttpResponse<String> unknown = post(form("nope", assertion().build()));
    assertThat(unknown.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\",\"error_description\":\"Requested connector does not"
                + " exist.\"}");
  }

  @Test
  void theClientMustAuthenticate() throws Exception {
    HttpResponse<String> anonymous =
        ferry.postForm("/token", form("plain", assertion().build()), "");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(json(anonymous).path("error").asText()).isEqualTo("invalid_client");
    JsonNode record = auditOf(anonymous);
    assertThat(record.path("outcome").asText()).isEqualTo("error");
    assertThat(record.has("client_id")).isFalse();
    assertThat(record.path("grant_type").asText()).isEqualTo(GRANT);
  }

  @Test
  void missingEmptyOrRepeatedParametersAreInvalidRequest() throws Exception {
    Map<String, String> missing = form("plain", "");
    missing.remove("assertion");
    assertThat(post(missing).body())
        .isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"Missing assertion.\"}");
    assertThat(post(form("plain", "")).body())
        .isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"Missing assertion.\"}");

    String token = assertion().build();
    String body = RunningFerry.encode(form("plain", token)) + "&assertion=" + token;
    HttpResponse<String> repeated = postRaw(body);
    assertThat(repeated.statusCode()).isEqualTo(400);
    assertThat(repeated.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\",\"error_description\":\"The assertion parameter is"
                + " repeated.\"}");
    HttpResponse<String> twoScopes =
        postRaw(RunningFerry.encode(form("plain", token)) + "&scope=openid&scope=groups");
    assertThat(json(twoScopes).path("error_description").asText())
        .isEqualTo("The scope parameter is repeated.");
    HttpResponse<String> twoConnectors =
        postRaw(RunningFerry.encode(form("plain", token)) + "&connector_id=ci");
    assertThat(json(twoConnectors).path("error_description").asText())
        .isEqualTo("The connector_id parameter is repeated.");
  }

  @Test
  void audienceAndResourceAllowedByTheDecidingRuleBecomeBothTokensAudienceWithAzp()
      throws Exception {
    TokenResponse response =
        OIDCTokenResponseParser.parse(
            new TokenRequest.Builder(
                    URI.create(ferry.base + "/token"),
                    new ClientSecretBasic(new ClientID("deployer"), new Secret("deployer-secret")),
                    new JWTBearerGrant(
                        SignedJWT.parse(assertion().audience(TRUSTED_AUDIENCE).build())))
                .scope(new Scope("openid"))
                .resources(URI.create(RESOURCE))
                .customParameter("audience", "billing")
                .customParameter("connector_id", "ci")
                .build()
                .toHTTPRequest()
                .send());

    assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
    OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
    JWTClaimsSet access =
        SignedJWT.parse(tokens.getOIDCTokens().getAccessToken().getValue()).getJWTClaimsSet();
    assertThat(access.getAudience()).containsExactly("billing", RESOURCE);
    assertThat(access.getStringClaim("azp")).isEqualTo("deployer");
    JWTClaimsSet idToken = tokens.getOIDCTokens().getIDToken().getJWTClaimsSet();
    assertThat(idToken.getAudience()).containsExactly("billing", RESOURCE);
    assertThat(idToken.getStringClaim("azp")).isEqualTo("deployer");
  }

  @Test
  void aPeerThatTrustsTheClientIsAnAudienceWithoutAnyRule() throws Exception {
    Map<String, String> form = form("plain", assertion().build());
    form.put("audience", "api");
    HttpResponse<String> response = post(form);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JWTClaimsSet claims = accessClaims(response);
    assertThat(claims.getAudience()).containsExactly("api");
    assertThat(claims.getStringClaim("azp")).isEqualTo("deployer");
  }

  @Test
  void aTargetNeitherAPeerNorTheRulesAllowIsInvalidTarget() throws Exception {
    Map<String, Map<String, String>> refused = new LinkedHashMap<>();
    refused.put("audience 'confined'", Map.of("connector_id", "plain", "audience", "confined"));
    // "plain" has no trust block, so no rule allows any resource.
    refused.put(
        "resource '" + RESOURCE + "'", Map.of("connector_id", "plain", "resource", RESOURCE));
    refused.put("audience 'other'", Map.of("connector_id", "ci", "audience", "other"));
    for (Map.Entry<String, Map<String, String>> entry : refused.entrySet()) {
      Map<String, String> form =
          form("", assertion().audience(List.of(TRUSTED_AUDIENCE, ferry.issuer)).build());
      form.putAll(entry.getValue());
      HttpResponse<String> response = post(form);
      assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
      assertThat(response.body())
          .as(entry.getKey())
          .isEqualTo(
              "{\"error\":\"invalid_target\",\"error_description\":\"The "
                  + entry.getKey()
                  + " is not a target this client may request.\"}");
    }
  }

  @Test
  void ferryIsNeverATargetEvenWhenTheDecidingRuleListsIt() throws Exception {
    for (String parameter : List.of("audience", "resource")) {
      for (String self : List.of(ferry.issuer, ferry.issuer + "/token")) {
        Map<String, String> form = form("ci", assertion().audience(TRUSTED_AUDIENCE).build());
        form.put(parameter, self);
        HttpResponse<String> response = post(form);
        assertThat(response.statusCode()).as(parameter + " " + self).isEqualTo(400);
        assertThat(response.body())
            .isEqualTo(
                "{\"error\":\"invalid_target\",\"error_description\":\"The "
                    + parameter
                    + " '"
                    + self
                    + "' is not a target this client may request.\"}");
      }
    }
  }

  @Test
  void aMalformedTargetIsInvalidRequestBeforeTheAssertionIsLookedAt() throws Exception {
    Map<String, String> form = form("plain", "not-a-jwt");
    form.put("resource", "api");
    HttpResponse<String> response = post(form);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
    assertThat(json(response).path("error_description").asText()).startsWith("Invalid resource");
    Map<String, String> empty = form("plain", "not-a-jwt");
    empty.put("audience", "");
    assertThat(json(post(empty)).path("error_description").asText())
        .isEqualTo("The audience parameter must not be empty.");
  }

  @Test
  void anOversizedAssertionIsInvalidRequestBeforeItIsParsed() throws Exception {
    // The connectors' cap on upstream tokens.
    int limit = dev.ferry.connector.upstream.UpstreamHttpSettings.defaults().maxTokenBytes();
    String tooLong = "e".repeat(limit + 1);
    for (String connectorId : List.of("plain", "")) {
      HttpResponse<String> response = post(form(connectorId, tooLong));
      assertThat(response.statusCode()).as(connectorId).isEqualTo(400);
      assertThat(response.body())
          .as(connectorId)
          .isEqualTo(
              "{\"error\":\"invalid_request\",\"error_description\":\"The assertion is longer"
                  + " than 32768 characters.\"}");
      assertThat(auditOf(response).path("outcome").asText()).isEqualTo("error");
    }
    // At the limit it is looked at: not a JWT, so invalid_grant.
    HttpResponse<String> atLimit = post(form("", "e".repeat(limit)));
    assertThat(json(atLimit).path("error").asText()).isEqualTo("invalid_grant");
  }

  @Test
  void aCrossClientScopeForAPeerThatDoesNotTrustTheClientIsInvalidScope() throws Exception {
    Map<String, String> form = form("plain", assertion().build());
    form.put(
        "scope",
        "openid audience:server:client_id:confined audience:server:client_id:deployer"
            + " audience:server:client_id:nobody");
    HttpResponse<String> response = post(form);
    assertThat(response.statusCode()).isEqualTo(400);
    // Every untrusted peer, quoted as Dex's %q renders a list; the client itself is trusted.
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_scope\",\"error_description\":\"Client can't request"
                + " scope(s) [\\\"audience:server:client_id:confined\\\""
                + " \\\"audience:server:client_id:nobody\\\"]\"}");
    assertThat(auditOf(response).path("error").asText()).isEqualTo("invalid_scope");
  }

  private static HttpResponse<String> postRaw(String body) throws Exception {
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(URI.create(ferry.base + "/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header(
                "Authorization",
                "Basic "
                    + java.util.Base64.getEncoder()
                        .encodeToString(
                            "deployer:deployer-secret".getBytes(StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(20))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build();
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void withoutConnectorIdAnIssuerNoConnectorVouchesForIsInvalidGrant() throws Exception {
    HttpResponse<String> response =
        post(form("", assertion().issuer("https://unknown.example").build()));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\",\"error_description\":\"No connector verifies assertions"
                + " from issuer 'https://unknown.example'; send connector_id.\"}");
    HttpResponse<String> malformed = post(form("", "not-a-jwt"));
    assertThat(malformed.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\",\"error_description\":\"The assertion is not a JWT.\"}");
    assertThat(auditOf(malformed).path("outcome").asText()).isEqualTo("error");
  }

  @Test
  void aDexConfigNeitherServesNorAdvertisesTheGrant() throws Exception {
    HttpResponse<String> response =
        dex.postForm("/token", form("plain", assertion().build()), "deployer:deployer-secret");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"unsupported_grant_type\"}");

    String discovery = dex.get("/.well-known/openid-configuration").body();
    assertThat(discovery)
        .isEqualTo(
            dexDiscovery(
                dex.issuer,
                List.of(
                    "authorization_code",
                    "refresh_token",
                    "urn:ietf:params:oauth:grant-type:device_code",
                    "urn:ietf:params:oauth:grant-type:token-exchange")));
  }

  @Test
  void discoveryAdvertisesTheGrantWhenEnabled() throws Exception {
    String discovery = ferry.get("/.well-known/openid-configuration").body();
    assertThat(discovery)
        .isEqualTo(
            dexDiscovery(
                ferry.issuer,
                List.of(
                    "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    "urn:ietf:params:oauth:grant-type:token-exchange")));
    assertThat(JSON.readTree(discovery).path("grant_types_supported").toString())
        .isEqualTo(
            "[\"urn:ietf:params:oauth:grant-type:jwt-bearer\","
                + "\"urn:ietf:params:oauth:grant-type:token-exchange\"]");
  }

  /**
   * Dex HEAD's discovery document (Dex: server/discovery/discovery.go), with these grant types; for
   * a config without an {@code oauth2} section they are Dex's default four.
   */
  private static String dexDiscovery(String issuer, List<String> grantTypes) {
    return """
    {
      "issuer": "%1$s",
      "authorization_endpoint": "%1$s/auth",
      "token_endpoint": "%1$s/token",
      "jwks_uri": "%1$s/keys",
      "userinfo_endpoint": "%1$s/userinfo",
      "device_authorization_endpoint": "%1$s/device/code",
      "introspection_endpoint": "%1$s/token/introspect",
      "grant_types_supported": [
        %2$s
      ],
      "response_types_supported": [
        "code"
      ],
      "subject_types_supported": [
        "public"
      ],
      "id_token_signing_alg_values_supported": [
        "RS256"
      ],
      "code_challenge_methods_supported": [
        "S256",
        "plain"
      ],
      "scopes_supported": [
        "openid",
        "email",
        "groups",
        "profile",
        "offline_access"
      ],
      "token_endpoint_auth_methods_supported": [
        "client_secret_basic",
        "client_secret_post"
      ],
      "claims_supported": [
        "iss",
        "sub",
        "aud",
        "iat",
        "exp",
        "email",
        "email_verified",
        "locale",
        "name",
        "preferred_username",
        "at_hash",
        "groups",
        "federated_claims"
      ]
    }\
    """
        .formatted(
            issuer,
            String.join(",\n    ", grantTypes.stream().map(type -> "\"" + type + "\"").toList()));
  }
}
