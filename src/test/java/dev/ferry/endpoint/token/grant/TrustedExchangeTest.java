package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.WebFixture.CLIENT_ID;
import static dev.ferry.endpoint.WebFixture.CLIENT_SECRET;
import static dev.ferry.endpoint.WebFixture.START;
import static dev.ferry.endpoint.WebFixture.exchangeForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.connector.upstream.TokenFingerprint;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.RuleMode;
import dev.ferry.policy.RuleOutcome;
import dev.ferry.policy.RuleResult;
import dev.ferry.policy.SingleUse;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.policy.TokenShaping;
import dev.ferry.policy.TrustReport;
import dev.ferry.testing.UpstreamIssuer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the token exchange grant does with a trust decision, through real HTTP with the mock
 * connector and a fixed policy: the deciding rule's shaping reaches both token types, a trust-rule
 * refusal is {@code 403}, a single-use token is spent only by an exchange that passed every other
 * check, and every exchange leaves one audit record and one count.
 */
class TrustedExchangeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TrustReport DECIDED =
      new TrustReport(
          Optional.of("deploy"),
          List.of(
              new RuleOutcome(
                  "audit-first",
                  RuleMode.AUDIT,
                  RuleResult.NO_MATCH,
                  Optional.of("claims.ref == \"x\" was false")),
              new RuleOutcome("deploy", RuleMode.ENFORCE, RuleResult.MATCH, Optional.empty())));

  private static PolicyDecision shaped(Optional<SingleUse> singleUse) {
    Map<String, Object> claims = new java.util.LinkedHashMap<>();
    claims.put("repository", "octo/app");
    claims.put("run", 42L);
    claims.put("nested", Map.of("ok", true, "list", List.of("a", "b")));
    return new PolicyDecision.Allow(
        new TokenShaping(
            Optional.of("repo:octo/app"),
            Optional.of(List.of("deployers", "repo:octo/app")),
            claims,
            Optional.of(START.plus(Duration.ofMinutes(10)))),
        singleUse,
        DECIDED);
  }

  @ParameterizedTest
  @ValueSource(strings = {TokenTypes.ACCESS_TOKEN, TokenTypes.ID_TOKEN})
  void theDecidingRuleShapesTheIssuedToken(String requestedType) throws Exception {
    try (WebFixture ferry =
        WebFixture.builder().policy(request -> shaped(Optional.empty())).build()) {
      Map<String, String> form = exchangeForm();
      form.put("scope", "openid groups profile");
      form.put("requested_token_type", requestedType);
      HttpResponse<String> response = ferry.postForm("/token", form);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      var claims = SignedJWT.parse(body.path("access_token").asText()).getJWTClaimsSet();

      assertThat(claims.getStringClaim("name")).isEqualTo("repo:octo/app");
      assertThat(claims.getStringListClaim("groups")).containsExactly("deployers", "repo:octo/app");
      assertThat(claims.getStringClaim("repository")).isEqualTo("octo/app");
      assertThat(claims.getLongClaim("run")).isEqualTo(42L);
      assertThat(claims.getJSONObjectClaim("nested")).containsEntry("ok", true);
      // The cap (10 minutes) beats expiry.idTokens (24 hours); expires_in agrees with exp.
      Instant exp = claims.getExpirationTime().toInstant();
      assertThat(exp).isBetween(START.plusSeconds(599), START.plusSeconds(600));
      long expiresIn = body.path("expires_in").asLong();
      assertThat(expiresIn).isBetween(598L, 600L);
      assertThat(claims.getIssueTime().toInstant().plusSeconds(expiresIn))
          .isBetween(exp.minusSeconds(2), exp);
    }
  }

  @Test
  void groupsStillNeedTheGroupsScope() throws Exception {
    try (WebFixture ferry =
        WebFixture.builder().policy(request -> shaped(Optional.empty())).build()) {
      HttpResponse<String> response = ferry.postForm("/token", exchangeForm());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      var claims =
          SignedJWT.parse(JSON.readTree(response.body()).path("access_token").asText())
              .getJWTClaimsSet();
      assertThat(claims.getClaim("groups")).isNull();
      assertThat(claims.getClaim("name")).isNull();
      assertThat(claims.getStringClaim("repository")).isEqualTo("octo/app");
    }
  }

  @Test
  void aTrustRuleRefusalIs403WithoutReasonsWhichGoToTheAuditRecord() throws Exception {
    SubjectPolicy refuses =
        request ->
            new PolicyDecision.Deny(
                OAuthError.ACCESS_DENIED,
                Optional.of("The subject token is not allowed by the connector's trust rules."),
                "no enforce rule matched",
                PolicyDecision.Refusal.POLICY,
                new TrustReport(
                    Optional.empty(),
                    List.of(
                        new RuleOutcome(
                            "deploy",
                            RuleMode.ENFORCE,
                            RuleResult.NO_MATCH,
                            Optional.of("claims.ref == \"refs/heads/main\" was false")))));
    try (WebFixture ferry = WebFixture.builder().policy(refuses).build()) {
      HttpResponse<String> response = ferry.postForm("/token", exchangeForm());
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body())
          .isEqualTo(
              "{\"error\":\"access_denied\",\"error_description\":\"The subject token is not"
                  + " allowed by the connector's trust rules.\"}");

      AuditRecord record = onlyRecord(ferry);
      assertThat(record.requestId())
          .isNotEmpty()
          .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
      Map<String, Object> map = record.toMap();
      assertThat(map)
          .containsEntry("outcome", "denied_policy")
          .containsEntry("client_id", CLIENT_ID)
          .containsEntry("connector_id", "mock")
          .containsEntry("error", "access_denied")
          .doesNotContainKeys("rule", "issued");
      assertThat(map.get("rules"))
          .isEqualTo(
              List.of(
                  Map.of(
                      "name", "deploy",
                      "mode", "enforce",
                      "result", "no_match",
                      "reason", "claims.ref == \"refs/heads/main\" was false")));
      assertThat(map.keySet())
          .containsSubsequence("time", "request_id", "outcome", "client_id", "connector_id");
    }
  }

  @Test
  void anIssuedExchangeIsAuditedWithWhatWasVerifiedAndIssuedButNeverTheToken() throws Exception {
    try (WebFixture ferry =
        WebFixture.builder().policy(request -> shaped(Optional.empty())).build()) {
      HttpResponse<String> response = ferry.postForm("/token", exchangeForm());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      String issued = JSON.readTree(response.body()).path("access_token").asText();
      var claims = SignedJWT.parse(issued).getJWTClaimsSet();

      AuditRecord record = onlyRecord(ferry);
      Map<String, Object> map = record.toMap();
      assertThat(map)
          .containsEntry("outcome", "issued")
          .containsEntry("rule", "deploy")
          .doesNotContainKey("error");
      assertThat(map.keySet())
          .containsExactly(
              "time",
              "request_id",
              "outcome",
              "client_id",
              "connector_id",
              "subject",
              "rule",
              "rules",
              "issued",
              "remote_addr");
      assertThat(map.get("remote_addr")).isEqualTo("127.0.0.1");
      @SuppressWarnings("unchecked")
      Map<String, Object> subject = (Map<String, Object>) map.get("subject");
      assertThat(subject).containsEntry("sha256", TokenFingerprint.sha256("foobar"));
      assertThat(String.valueOf(Objects.requireNonNull(subject).get("sha256")))
          .hasSize(64)
          .matches("[0-9a-f]+");
      @SuppressWarnings("unchecked")
      Map<String, Object> issuedEntry = (Map<String, Object>) map.get("issued");
      assertThat(issuedEntry)
          .containsEntry("jti", claims.getJWTID())
          .containsEntry("aud", List.of(CLIENT_ID))
          .containsEntry("exp", claims.getExpirationTime().toInstant().getEpochSecond());
      String json = JSON.writeValueAsString(map);
      assertThat(json).doesNotContain(issued, "foobar", CLIENT_SECRET);
    }
  }

  @Test
  void aSingleUseTokenIsSpentOnlyByAnExchangeThatPassedEveryOtherCheck() throws Exception {
    List<SingleUse> recorded = new ArrayList<>();
    SingleUse use = new SingleUse("https://up.example", "jti-1", START.plusSeconds(600));
    try (WebFixture ferry =
        WebFixture.builder()
            .policy(request -> shaped(Optional.of(use)))
            .ledger(u -> {
              synchronized (recorded) {
                boolean first = !recorded.contains(u);
                recorded.add(u);
                return first;
              }
            })
            .build()) {
      Map<String, String> bad = exchangeForm();
      bad.put("requested_token_type", "urn:ietf:params:oauth:token-type:saml2");
      HttpResponse<String> refused = ferry.postForm("/token", bad);
      assertThat(refused.statusCode()).isEqualTo(400);
      // Cross-client trust is checked while signing: still before the token is spent.
      Map<String, String> untrustedPeer = exchangeForm();
      untrustedPeer.put("scope", "openid audience:server:client_id:no-such-peer");
      assertThat(ferry.postForm("/token", untrustedPeer).statusCode()).isEqualTo(500);
      assertThat(recorded).isEmpty();

      assertThat(ferry.postForm("/token", exchangeForm()).statusCode()).isEqualTo(200);
      HttpResponse<String> replay = ferry.postForm("/token", exchangeForm());
      assertThat(replay.statusCode()).isEqualTo(401);
      assertThat(replay.body()).isEqualTo("{\"error\":\"access_denied\"}");
      assertThat(recorded).containsExactly(use, use);

      assertThat(ferry.audits)
          .extracting(r -> r.toMap().get("outcome"))
          .containsExactly("error", "error", "issued", "denied_token");
    }
  }

  @Test
  void aFailedVerificationIsDeniedTokenWithOnlyTheTokensHash() throws Exception {
    try (UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(false).start();
        WebFixture ferry =
            SubjectPolicySeamTest.fixture(upstream, false, request -> PolicyDecision.allow())) {
      Map<String, String> form = exchangeForm();
      form.put("connector_id", "up");
      form.put("subject_token", "not-the-mock-token");
      HttpResponse<String> response = ferry.postForm("/token", form);
      assertThat(response.statusCode()).isEqualTo(401);
      Map<String, Object> map = onlyRecord(ferry).toMap();
      assertThat(map).containsEntry("outcome", "denied_token");
      assertThat(map.get("subject"))
          .isEqualTo(Map.of("sha256", TokenFingerprint.sha256("not-the-mock-token")));
      assertThat(map).doesNotContainKeys("rule", "rules", "issued");
    }
  }

  @Test
  void aFailedClientAuthenticationIsAnAuditedErrorWithoutAClient() throws Exception {
    try (WebFixture ferry = WebFixture.builder().build()) {
      Map<String, String> form = exchangeForm();
      form.put("client_secret", "wrong");
      HttpResponse<String> response = ferry.postForm("/token", form);
      assertThat(response.statusCode()).isEqualTo(401);
      Map<String, Object> map = onlyRecord(ferry).toMap();
      assertThat(map)
          .containsEntry("outcome", "error")
          .containsEntry("error", "invalid_client")
          .containsEntry("connector_id", "mock")
          .doesNotContainKeys("client_id", "issued");
      assertThat(JSON.writeValueAsString(map)).doesNotContain("wrong", "foobar\"");
    }
  }

  @Test
  void metricsCountEveryOutcomeWithLabelsFromTheConfigurationOnly() throws Exception {
    try (WebFixture ferry =
        WebFixture.builder().policy(request -> shaped(Optional.empty())).build()) {
      assertThat(ferry.postForm("/token", exchangeForm()).statusCode()).isEqualTo(200);
      Map<String, String> unknown = exchangeForm();
      unknown.put("connector_id", "attacker-chosen");
      assertThat(ferry.postForm("/token", unknown).statusCode()).isEqualTo(400);

      String metrics = ferry.get("/metrics").body();
      if (!metrics.contains("ferry_token_exchange_total")) {
        metrics =
            ferry
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(ferry.telemetryBase() + "/metrics"))
                        .build())
                .body();
      }
      assertThat(metrics)
          .contains(
              "ferry_token_exchange_total{client=\"client_1\",connector=\"mock\","
                  + "outcome=\"issued\",rule=\"deploy\"} 1.0")
          .contains(
              "ferry_token_exchange_total{client=\"client_1\",connector=\"\","
                  + "outcome=\"error\",rule=\"\"} 1.0")
          .contains(
              "ferry_token_exchange_duration_seconds_count{connector=\"mock\",outcome=\"issued\"} 1")
          .doesNotContain("attacker-chosen");
    }
  }

  private static AuditRecord onlyRecord(WebFixture ferry) {
    assertThat(ferry.audits).hasSize(1);
    return ferry.audits.get(0);
  }
}
