package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audience} and {@code resource} in token exchange as a user configures them: a whole Ferry
 * from YAML whose trust rules list {@code audiences} and {@code resources}, clients with {@code
 * trustedPeers}, an in-process upstream issuer, real HTTP, and the Nimbus OAuth 2.0 SDK as the
 * client.
 */
class TargetsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FERRY_AUDIENCE = "https://ferry.example.com";
  private static final String API = "https://api.example.com/v1";
  private static final String STATUS = "https://status.example.com";

  @TempDir static Path dir;
  private static MutableClock clock;
  private static UpstreamIssuer upstream;
  private static RunningFerry ferry;
  private static Path auditFile;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        audit:
          path: %2$s
        connectors:
        - type: oidc
          id: ci
          name: CI
          config:
            issuer: %3$s
            scopes: [openid]
            userNameKey: sub
          trust:
            audiences: ["%4$s"]
            rules:
            - name: status-watch
              mode: audit
              condition: 'true'
              resources: ["%6$s"]
            - name: deploy
              clients: [deployer]
              condition: claims.ref == "refs/heads/main"
              audiences: [billing]
              resources: ["%5$s", "urn:example:ledger"]
            - name: status
              condition: 'true'
              resources: ["%6$s"]
        - type: oidc
          id: once
          name: Single use
          config:
            issuer: %3$s
            scopes: [openid]
            userNameKey: sub
          trust:
            singleUse: true
            rules:
            - name: api
              condition: 'true'
              resources: ["%5$s"]
        staticClients:
        - id: deployer
          name: Deployer
          secret: deployer-secret
        - id: api
          name: API
          secret: api-secret
          trustedPeers: [deployer]
        - id: other
          name: Other
          secret: other-secret
        """
            .formatted(
                dir.resolve("dex.db"), auditFile, upstream.issuer(), FERRY_AUDIENCE, API, STATUS);
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

  private static UpstreamToken main() {
    return upstream
        .token()
        .subject("repo:octo/app:ref:refs/heads/main")
        .audience(FERRY_AUDIENCE)
        .claim("ref", "refs/heads/main");
  }

  /** The request a client library builds: Nimbus's token exchange grant, audiences, resources. */
  private static TokenResponse nimbus(
      String connector, String token, List<String> audiences, URI... resources) throws Exception {
    TokenExchangeGrant grant =
        new TokenExchangeGrant(
            new TypelessAccessToken(token),
            TokenTypeURI.ID_TOKEN,
            null,
            null,
            TokenTypeURI.ACCESS_TOKEN,
            audiences.isEmpty() ? null : audiences.stream().map(Audience::new).toList());
    TokenRequest.Builder request =
        new TokenRequest.Builder(
                URI.create(ferry.base + "/token"),
                new ClientSecretBasic(new ClientID("deployer"), new Secret("deployer-secret")),
                grant)
            .scope(new Scope("openid"))
            .customParameter("connector_id", connector);
    if (resources.length > 0) {
      request.resources(resources);
    }
    return TokenResponse.parse(request.build().toHTTPRequest().send());
  }

  /** A raw form (repeats and malformed values kept), sent by the deployer. */
  private static HttpResponse<String> post(String connector, String token, String... pairs)
      throws Exception {
    StringBuilder body =
        new StringBuilder("grant_type=urn:ietf:params:oauth:grant-type:token-exchange")
            .append("&connector_id=")
            .append(connector)
            .append("&subject_token_type=urn:ietf:params:oauth:token-type:id_token")
            .append("&subject_token=")
            .append(token);
    for (int i = 0; i < pairs.length; i += 2) {
      body.append('&')
          .append(pairs[i])
          .append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    String basic =
        Base64.getEncoder()
            .encodeToString("deployer:deployer-secret".getBytes(StandardCharsets.UTF_8));
    return http.send(
        HttpRequest.newBuilder(URI.create(ferry.base + "/token"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JWTClaimsSet claims(TokenResponse response) throws Exception {
    assertThat(response.indicatesSuccess())
        .as(() -> String.valueOf(response.toErrorResponse().getErrorObject()))
        .isTrue();
    AccessTokenResponse success = response.toSuccessResponse();
    assertThat(success.getTokens().getAccessToken().getIssuedTokenType())
        .isEqualTo(TokenTypeURI.ACCESS_TOKEN);
    return SignedJWT.parse(success.getTokens().getAccessToken().getValue()).getJWTClaimsSet();
  }

  private static ErrorObject error(TokenResponse response) {
    assertThat(response.indicatesSuccess()).isFalse();
    return response.toErrorResponse().getErrorObject();
  }

  /** The audit file's records, oldest first. */
  private static List<JsonNode> audits() throws Exception {
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(auditFile, StandardCharsets.UTF_8)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  private static JsonNode lastAudit() throws Exception {
    List<JsonNode> records = audits();
    return records.get(records.size() - 1);
  }

  @Test
  void aClientLibraryGetsATokenForAPeerARuleAudienceAndAResource() throws Exception {
    JWTClaimsSet claims =
        claims(nimbus("ci", main().build(), List.of("api", "billing"), URI.create(API)));

    assertThat(claims.getAudience()).containsExactly("api", "billing", API);
    assertThat(claims.getStringClaim("azp")).isEqualTo("deployer");
    JsonNode audit = lastAudit();
    assertThat(audit.path("outcome").asText()).isEqualTo("issued");
    assertThat(audit.path("rule").asText()).isEqualTo("deploy");
    assertThat(audit.path("issued").path("aud").toString())
        .isEqualTo("[\"api\",\"billing\",\"" + API + "\"]");
  }

  @Test
  void aClientLibraryIsToldInvalidTargetForAnAudienceNobodyAllowed() throws Exception {
    ErrorObject error = error(nimbus("ci", main().build(), List.of("other")));

    assertThat(error.getHTTPStatusCode()).isEqualTo(400);
    assertThat(error.getCode()).isEqualTo("invalid_target");
    assertThat(error.getDescription())
        .isEqualTo("The audience 'other' is not a target this client may request.");
    JsonNode audit = lastAudit();
    assertThat(audit.path("outcome").asText()).isEqualTo("error");
    assertThat(audit.path("error").asText()).isEqualTo("invalid_target");
    assertThat(audit.path("rule").asText()).isEqualTo("deploy");
    assertThat(audit.has("issued")).isFalse();
  }

  @Test
  void onlyTheDecidingRulesResourcesCount() throws Exception {
    // status-watch (audit) and status (enforce, after deploy) list it; deploy decided.
    ErrorObject error = error(nimbus("ci", main().build(), List.of(), URI.create(STATUS)));
    assertThat(error.getCode()).isEqualTo("invalid_target");
    assertThat(error.getDescription())
        .isEqualTo("The resource '" + STATUS + "' is not a target this client may request.");

    // On another branch deploy does not match, status decides, and allows it (and not API).
    UpstreamToken dev = main().claim("ref", "refs/heads/dev");
    JWTClaimsSet claims = claims(nimbus("ci", dev.build(), List.of(), URI.create(STATUS)));
    assertThat(claims.getAudience()).containsExactly(STATUS);
    assertThat(claims.getStringClaim("azp")).isEqualTo("deployer");
    assertThat(error(nimbus("ci", dev.build(), List.of(), URI.create(API))).getCode())
        .isEqualTo("invalid_target");
  }

  @Test
  void aMalformedResourceIsInvalidRequestEvenWithABadSubjectToken() throws Exception {
    HttpResponse<String> response = post("ci", "not-a-jwt", "resource", "api.example.com/v1");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\",\"error_description\":\"Invalid resource"
                + " 'api.example.com/v1': it is not an absolute URI (RFC 8707).\"}");
    HttpResponse<String> fragment = post("ci", main().build(), "resource", API + "#section");
    assertThat(fragment.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(fragment.body()).path("error_description").asText())
        .isEqualTo(
            "Invalid resource '"
                + API
                + "#section': it must not contain a fragment"
                + " (RFC 8707).");
  }

  @Test
  void aRefusedTargetLeavesASingleUseTokenUnspent() throws Exception {
    String token = main().claim("jti", "once-" + System.nanoTime()).build();

    assertThat(error(nimbus("once", token, List.of(), URI.create(STATUS))).getCode())
        .isEqualTo("invalid_target");
    assertThat(claims(nimbus("once", token, List.of(), URI.create(API))).getAudience())
        .containsExactly(API);
    HttpResponse<String> replay = post("once", token, "resource", API);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).isEqualTo("{\"error\":\"access_denied\"}");
    List<JsonNode> records = audits();
    assertThat(records.subList(records.size() - 3, records.size()))
        .extracting(record -> record.path("outcome").asText())
        .containsExactly("error", "issued", "denied_token");
  }

  @Test
  void withoutTargetsTheTokenIsDexs() throws Exception {
    JWTClaimsSet claims = claims(nimbus("ci", main().build(), List.of()));
    assertThat(claims.getAudience()).containsExactly("deployer");
    assertThat(claims.getClaim("azp")).isNull();
    HttpResponse<String> raw = post("ci", main().build());
    String payload =
        new String(
            Base64.getUrlDecoder()
                .decode(JSON.readTree(raw.body()).path("access_token").asText().split("\\.")[1]),
            StandardCharsets.UTF_8);
    assertThat(payload).contains("\"aud\":\"deployer\",\"exp\":").doesNotContain("azp");
  }
}
