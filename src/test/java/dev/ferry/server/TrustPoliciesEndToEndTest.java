package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Trust policies as a user configures them: a whole Ferry started from YAML with {@code trust}
 * blocks on {@code oidc} connectors, an in-process upstream issuer, real HTTP, the audit file and
 * the metrics. Each test names the semantic point it shows.
 */
class TrustPoliciesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";
  private static final String ID = "urn:ietf:params:oauth:token-type:id_token";
  private static final String FERRY_AUDIENCE = "https://ferry.example.com";
  private static final String DENIED =
      "{\"error\":\"access_denied\",\"error_description\":\"The subject token is not allowed by"
          + " the connector's trust rules.\"}";

  @TempDir static Path dir;
  private static MutableClock clock;
  private static UpstreamIssuer upstream;
  private static RunningFerry ferry;
  private static Path auditFile;
  private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private static final List<String> secrets = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
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
            maxTokenAge: 10m
            rules:
            - name: watch-tags
              mode: audit
              condition: claims.ref.startsWith("refs/tags/")
            - name: deploy-from-main
              clients: [deployer]
              condition: >-
                claims.repository_owner_id == "1234567" &&
                claims.ref == "refs/heads/main" && claims.event_name == "push"
              username: 'claims.repository'
              groups: '["deployers", "repo:" + claims.repository]'
              claims:
                repository: claims.repository
                environment: 'has(claims.environment) ? claims.environment : ""'
              expiry: 15m
            - name: any-branch
              condition: claims.repository_owner_id == "1234567"
              expiry: 1h
        - type: oidc
          id: watched
          name: Audit-mode rules only
          config:
            issuer: %3$s
            scopes: [openid]
            userNameKey: sub
          trust:
            rules:
            - name: would-refuse
              mode: audit
              condition: claims.repository_owner_id == "0"
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
        staticClients:
        - id: deployer
          name: Deployer
          secret: deployer-secret
        - id: my-app
          name: My App
          secret: my-secret
        """
            .formatted(dir.resolve("dex.db"), auditFile, upstream.issuer(), FERRY_AUDIENCE);
    ferry = RunningFerry.start(dir, yaml, clock);
    secrets.addAll(List.of("deployer-secret", "my-secret"));
  }

  @AfterAll
  static void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    // Other test classes in this JVM keep the test configuration's levels.
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.ferry").setLevel(ferryLevel);
  }

  private static @Nullable Level ferryLevel;
  private static boolean levelSaved;

  /** INFO lines too (the success line names the identity): none may carry a token. */
  @BeforeEach
  void infoLogs() {
    Logger ferryLogger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.ferry");
    if (!levelSaved) {
      ferryLevel = ferryLogger.getLevel();
      levelSaved = true;
    }
    ferryLogger.setLevel(Level.INFO);
  }

  private static UpstreamToken github() {
    return upstream
        .token()
        .subject("repo:octo/app:ref:refs/heads/main")
        .audience(FERRY_AUDIENCE)
        .claim("repository", "octo/app")
        .claim("repository_owner_id", "1234567")
        .claim("ref", "refs/heads/main")
        .claim("event_name", "push");
  }

  private static HttpResponse<String> exchange(
      String connector, String client, String token, String requested) throws Exception {
    secrets.add(token);
    Map<String, String> form = RunningFerry.guideForm(connector, token, ID);
    form.put("scope", "openid groups profile");
    form.put("requested_token_type", requested);
    String secret = client.equals("deployer") ? "deployer-secret" : "my-secret";
    HttpResponse<String> response = ferry.postForm("/token", form, client + ":" + secret);
    JsonNode body = JSON.readTree(response.body());
    if (body.has("access_token")) {
      secrets.add(body.get("access_token").asText());
    }
    return response;
  }

  private static HttpResponse<String> exchange(String connector, String client, String token)
      throws Exception {
    return exchange(connector, client, token, ACCESS);
  }

  private static JWTClaimsSet issued(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return SignedJWT.parse(JSON.readTree(response.body()).get("access_token").asText())
        .getJWTClaimsSet();
  }

  /** The audit file's record for a response, found by the request id the response carries. */
  private static JsonNode auditOf(HttpResponse<String> response) throws Exception {
    String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
    List<JsonNode> matching = new ArrayList<>();
    for (String line : Files.readAllLines(auditFile, StandardCharsets.UTF_8)) {
      JsonNode record = JSON.readTree(line);
      if (record.path("request_id").asText().equals(requestId)) {
        matching.add(record);
      }
    }
    assertThat(matching).as("audit records of request " + requestId).hasSize(1);
    return matching.get(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {ACCESS, ID})
  void theFirstMatchingEnforceRuleDecidesAndShapesBothTokenTypes(String requested)
      throws Exception {
    HttpResponse<String> response =
        exchange("ci", "deployer", github().claim("environment", "prod").build(), requested);
    JWTClaimsSet claims = issued(response);
    assertThat(claims.getStringClaim("name")).isEqualTo("octo/app");
    assertThat(claims.getStringListClaim("groups")).containsExactly("deployers", "repo:octo/app");
    assertThat(claims.getStringClaim("repository")).isEqualTo("octo/app");
    assertThat(claims.getStringClaim("environment")).isEqualTo("prod");
    // The rule's expiry (15m) caps expiry.idTokens (24h); expires_in agrees.
    assertThat(claims.getExpirationTime().toInstant())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    assertThat(JSON.readTree(response.body()).get("expires_in").asLong()).isBetween(899L, 900L);

    JsonNode audit = auditOf(response);
    assertThat(audit.path("outcome").asText()).isEqualTo("issued");
    assertThat(audit.path("rule").asText()).isEqualTo("deploy-from-main");
    assertThat(audit.path("client_id").asText()).isEqualTo("deployer");
    assertThat(audit.path("connector_id").asText()).isEqualTo("ci");
    assertThat(audit.path("rules").get(0).path("name").asText()).isEqualTo("watch-tags");
    assertThat(audit.path("rules").get(0).path("mode").asText()).isEqualTo("audit");
    assertThat(audit.path("rules").get(0).path("result").asText()).isEqualTo("no_match");
    assertThat(audit.path("rules").get(1).path("result").asText()).isEqualTo("match");
    assertThat(audit.path("subject").path("iss").asText()).isEqualTo(upstream.issuer());
    assertThat(audit.path("subject").path("sub").asText())
        .isEqualTo("repo:octo/app:ref:refs/heads/main");
    assertThat(audit.path("issued").path("jti").asText()).isEqualTo(claims.getJWTID());
    assertThat(audit.path("issued").path("exp").asLong())
        .isEqualTo(claims.getExpirationTime().toInstant().getEpochSecond());
  }

  @Test
  void aRuleForOtherClientsIsSkippedAndTheNextDecides() throws Exception {
    HttpResponse<String> response = exchange("ci", "my-app", github().build());
    JWTClaimsSet claims = issued(response);
    // any-branch decided: no mapping, so the username is the connector's (userNameKey: sub).
    assertThat(claims.getStringClaim("name")).isEqualTo("repo:octo/app:ref:refs/heads/main");
    assertThat(claims.getClaim("repository")).isNull();
    JsonNode audit = auditOf(response);
    assertThat(audit.path("rule").asText()).isEqualTo("any-branch");
    assertThat(audit.path("rules").get(1).path("result").asText()).isEqualTo("not_for_client");
    assertThat(audit.path("rules").get(2).path("result").asText()).isEqualTo("match");
  }

  @Test
  void theLifetimeStopsAtTheSubjectTokensExp() throws Exception {
    Instant subjectExp = clock.instant().plus(Duration.ofMinutes(5));
    JWTClaimsSet claims = issued(exchange("ci", "my-app", github().expiresAt(subjectExp).build()));
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(subjectExp);
  }

  @Test
  void noMatchingEnforceRuleIs403WithReasonsOnlyInTheAuditRecord() throws Exception {
    HttpResponse<String> response =
        exchange("ci", "deployer", github().claim("repository_owner_id", "666").build());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).isEqualTo(DENIED);
    JsonNode audit = auditOf(response);
    assertThat(audit.path("outcome").asText()).isEqualTo("denied_policy");
    assertThat(audit.has("rule")).isFalse();
    assertThat(audit.has("issued")).isFalse();
    JsonNode deploy = audit.path("rules").get(1);
    assertThat(deploy.path("result").asText()).isEqualTo("no_match");
    assertThat(deploy.path("reason").asText()).contains("repository_owner_id", "666");
  }

  @Test
  void aMissingClaimIsARuleErrorAndARefusalNeverA5xx() throws Exception {
    HttpResponse<String> response =
        exchange("ci", "deployer", github().without("repository_owner_id").build());
    assertThat(response.statusCode()).isEqualTo(403);
    JsonNode audit = auditOf(response);
    assertThat(audit.path("rules").get(1).path("result").asText()).isEqualTo("error");
    assertThat(audit.path("rules").get(1).path("reason").asText()).isNotEmpty();
  }

  @Test
  void auditModeRulesNeverDecide() throws Exception {
    HttpResponse<String> response = exchange("watched", "my-app", github().build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode audit = auditOf(response);
    assertThat(audit.path("outcome").asText()).isEqualTo("issued");
    assertThat(audit.has("rule")).isFalse();
    assertThat(audit.path("rules").get(0).path("result").asText()).isEqualTo("no_match");
  }

  @Test
  void theTokenChecksRefuseWith401() throws Exception {
    Instant now = clock.instant();
    List<String> refused =
        List.of(
            github().audience("https://someone-else.example").build(),
            github().claim("iat", now.minus(Duration.ofMinutes(11)).getEpochSecond()).build(),
            github().claim("iat", now.plus(Duration.ofMinutes(6)).getEpochSecond()).build());
    for (String token : refused) {
      HttpResponse<String> response = exchange("ci", "my-app", token);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
      assertThat(response.body()).isEqualTo("{\"error\":\"access_denied\"}");
      assertThat(auditOf(response).path("outcome").asText()).isEqualTo("denied_token");
    }
    // Within the age and the 5-minute skew: accepted.
    String young = github().claim("iat", now.plus(Duration.ofMinutes(4)).getEpochSecond()).build();
    assertThat(exchange("ci", "my-app", young).statusCode()).isEqualTo(200);
  }

  @Test
  void aSingleUseTokenIsAcceptedOnceAndATokenWithoutJtiNever() throws Exception {
    String token = github().claim("jti", "run-1-attempt-1").build();
    assertThat(exchange("once", "my-app", token).statusCode()).isEqualTo(200);
    HttpResponse<String> replay = exchange("once", "my-app", token);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(auditOf(replay).path("outcome").asText()).isEqualTo("denied_token");
    assertThat(exchange("once", "my-app", github().build()).statusCode()).isEqualTo(401);
  }

  @Test
  void aConnectorWithoutTrustBehavesAsInDex() throws Exception {
    HttpResponse<String> response =
        exchange("plain", "my-app", github().claim("repository_owner_id", "anyone").build());
    JWTClaimsSet claims = issued(response);
    assertThat(claims.getStringClaim("name")).isEqualTo("repo:octo/app:ref:refs/heads/main");
    // expiry.idTokens: 24h.
    assertThat(claims.getExpirationTime().toInstant())
        .isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    assertThat(auditOf(response).has("rules")).isFalse();
  }

  @Test
  void metricsCountExchangesByConnectorClientRuleAndOutcome() throws Exception {
    issued(exchange("ci", "my-app", github().build()));
    String metrics = ferry.get(ferry.telemetry() + "/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "ferry_token_exchange_total\\{client=\"my-app\",connector=\"ci\",outcome=\"issued\","
                + "rule=\"any-branch\"} [1-9]")
        .containsPattern(
            "ferry_token_exchange_duration_seconds_count\\{connector=\"ci\",outcome=\"issued\"}"
                + " [1-9]");
  }

  @Test
  void noTokenOrSecretAppearsInAnyLogLineOrTheAuditFile() throws Exception {
    exchange("ci", "deployer", github().claim("jti", "secret-check").build());
    exchange("ci", "deployer", github().claim("repository_owner_id", "666").build());
    exchange("ci", "deployer", "not.a.token");
    String audit = Files.readString(auditFile, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    synchronized (logs) {
      for (ILoggingEvent event : logs.list) {
        lines.add(
            event.getFormattedMessage()
                + " "
                + event.getKeyValuePairs()
                + " "
                + event.getMDCPropertyMap());
      }
    }
    assertThat(lines).isNotEmpty();
    for (String secret : secrets) {
      assertThat(audit).doesNotContain(secret);
      for (String line : lines) {
        assertThat(line).doesNotContain(secret);
      }
    }
  }
}
