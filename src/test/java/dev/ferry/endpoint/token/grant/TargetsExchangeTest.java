package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.WebFixture.CLIENT_ID;
import static dev.ferry.endpoint.WebFixture.exchangeForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.RuleMode;
import dev.ferry.policy.RuleOutcome;
import dev.ferry.policy.RuleResult;
import dev.ferry.policy.SingleUse;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.policy.TokenShaping;
import dev.ferry.policy.TrustReport;
import dev.ferry.storage.Client;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code audience} and {@code resource} parameters of a token exchange (RFC 8693 §2.1, RFC
 * 8707) through real HTTP, with the mock connector and a fixed trust decision whose deciding rule
 * lists {@link #RULE_AUDIENCES} and {@link #RULE_RESOURCES}: what is allowed, what is refused with
 * {@code invalid_target}, what is malformed, and the issued {@code aud} and {@code azp}.
 */
class TargetsExchangeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A client that lists the requester in its {@code trustedPeers}. */
  private static final String PEER = "api";

  /** A client that does not. */
  private static final String STRANGER = "other";

  private static final List<String> RULE_AUDIENCES = List.of("billing", "https://aud.example");
  private static final String RESOURCE = "https://api.example.com/v1";
  private static final String RESOURCE_2 = "urn:example:ledger";
  private static final List<String> RULE_RESOURCES = List.of(RESOURCE, RESOURCE_2);

  private static final TrustReport DECIDED =
      new TrustReport(
          Optional.of("deploy"),
          List.of(new RuleOutcome("deploy", RuleMode.ENFORCE, RuleResult.MATCH, Optional.empty())));

  private static PolicyDecision decided(Optional<SingleUse> singleUse) {
    return new PolicyDecision.Allow(
        new TokenShaping(
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            Optional.empty(),
            RULE_AUDIENCES,
            RULE_RESOURCES),
        singleUse,
        DECIDED);
  }

  private static WebFixture.Builder fixture(SubjectPolicy policy) {
    return WebFixture.builder()
        .policy(policy)
        .setup(storage -> {
          storage
              .clients()
              .create(Client.of(PEER, "s", "API").withTrustedPeers(List.of(CLIENT_ID)));
          storage
              .clients()
              .create(Client.of(STRANGER, "s", "Other").withTrustedPeers(List.of("someone-else")));
        });
  }

  private static WebFixture start() throws Exception {
    return fixture(request -> decided(Optional.empty())).build();
  }

  /** The default exchange form plus {@code pairs} (name, value, ...), repeats and empties kept. */
  private static String body(String... pairs) {
    StringBuilder body = new StringBuilder(WebFixture.encode(exchangeForm()));
    for (int i = 0; i < pairs.length; i += 2) {
      body.append('&')
          .append(pairs[i])
          .append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return body.toString();
  }

  private static HttpResponse<String> post(WebFixture ferry, String... pairs) throws Exception {
    return ferry.postRaw("/token", body(pairs), "application/x-www-form-urlencoded");
  }

  /** The issued access token's payload as sent, for the claims' JSON types and order. */
  private static JsonNode payload(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    String token = JSON.readTree(response.body()).path("access_token").asText();
    return JSON.readTree(new Base64URL(token.split("\\.")[1]).decodeToString());
  }

  private static JWTClaimsSet claims(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return SignedJWT.parse(JSON.readTree(response.body()).path("access_token").asText())
        .getJWTClaimsSet();
  }

  private static String invalidTarget(String parameter, String value) {
    return "{\"error\":\"invalid_target\",\"error_description\":\"The "
        + parameter
        + " '"
        + value
        + "' is not a target this client may request.\"}";
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void anAudienceWhoseClientTrustsTheRequesterIsTheTokensOnlyAudienceWithAzp() throws Exception {
    try (WebFixture ferry = start()) {
      JsonNode payload = payload(post(ferry, "audience", PEER));

      // One audience is a string, as Dex writes one; azp names who asked, in Dex's member order.
      assertThat(payload.path("aud").isTextual()).isTrue();
      assertThat(payload.path("aud").asText()).isEqualTo(PEER);
      assertThat(payload.path("azp").asText()).isEqualTo(CLIENT_ID);
      assertThat(names(payload))
          .containsSubsequence("iss", "sub", "aud", "exp", "iat", "jti", "azp");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"billing", "https://aud.example"})
  void anAudienceTheDecidingRuleListsIsAllowed(String audience) throws Exception {
    try (WebFixture ferry = start()) {
      JWTClaimsSet claims = claims(post(ferry, "audience", audience));
      assertThat(claims.getAudience()).containsExactly(audience);
      assertThat(claims.getStringClaim("azp")).isEqualTo(CLIENT_ID);
    }
  }

  @Test
  void theRequestersOwnIdIsAnAudienceItMayAskFor() throws Exception {
    try (WebFixture ferry = fixture(request -> PolicyDecision.allow()).build()) {
      JsonNode payload = payload(post(ferry, "audience", CLIENT_ID));
      assertThat(payload.path("aud").asText()).isEqualTo(CLIENT_ID);
      assertThat(payload.path("azp").asText()).isEqualTo(CLIENT_ID);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {STRANGER, "no-such-client", "https://api.example.com/v1"})
  void anyOtherAudienceIsInvalidTargetNamingIt(String audience) throws Exception {
    try (WebFixture ferry = start()) {
      HttpResponse<String> response = post(ferry, "audience", PEER, "audience", audience);
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).isEqualTo(invalidTarget("audience", audience));
    }
  }

  /**
   * Ferry never addresses a token to itself: such a token could come back as an RFC 7523 assertion.
   * Not even when the deciding rule lists its URLs or a client with such an id trusts the
   * requester.
   */
  @Test
  void ferrysOwnIssuerAndTokenEndpointAreNeverTargets() throws Exception {
    String issuer = "http://127.0.0.1:5556/ferry";
    List<String> own = List.of(issuer, issuer + "/token");
    SubjectPolicy listsFerry =
        request ->
            new PolicyDecision.Allow(
                new TokenShaping(
                    Optional.empty(),
                    Optional.empty(),
                    Map.of(),
                    Optional.empty(),
                    List.of("billing", issuer, issuer + "/token"),
                    List.of(RESOURCE, issuer, issuer + "/token")),
                Optional.empty(),
                DECIDED);
    try (WebFixture ferry =
        WebFixture.builder()
            .issuer(issuer)
            .policy(listsFerry)
            .setup(storage -> {
              for (String id : own) {
                storage
                    .clients()
                    .create(
                        Client.of(id, "s", "Named like Ferry")
                            .withTrustedPeers(List.of(CLIENT_ID)));
              }
            })
            .build()) {
      assertThat(claims(post(ferry, "audience", "billing", "resource", RESOURCE)).getAudience())
          .containsExactly("billing", RESOURCE);
      for (String self : own) {
        for (String parameter : List.of("audience", "resource")) {
          HttpResponse<String> response = post(ferry, parameter, self);
          assertThat(response.statusCode()).as(parameter + " " + self).isEqualTo(400);
          assertThat(response.body()).isEqualTo(invalidTarget(parameter, self));
        }
      }
    }
  }

  @Test
  void withoutADecidingRuleOnlyTrustedPeersAreAudiencesAndNoResourceIsAllowed() throws Exception {
    try (WebFixture ferry = fixture(request -> PolicyDecision.allow()).build()) {
      assertThat(claims(post(ferry, "audience", PEER)).getAudience()).containsExactly(PEER);
      HttpResponse<String> byRule = post(ferry, "audience", "billing");
      assertThat(byRule.statusCode()).isEqualTo(400);
      assertThat(byRule.body()).isEqualTo(invalidTarget("audience", "billing"));
      HttpResponse<String> resource = post(ferry, "resource", RESOURCE);
      assertThat(resource.statusCode()).isEqualTo(400);
      assertThat(resource.body()).isEqualTo(invalidTarget("resource", RESOURCE));
    }
  }

  @Test
  void severalAudiencesAreAnArrayInRequestOrderEachOnce() throws Exception {
    try (WebFixture ferry = start()) {
      JsonNode payload =
          payload(post(ferry, "audience", "billing", "audience", PEER, "audience", "billing"));
      assertThat(payload.path("aud").isArray()).isTrue();
      assertThat(payload.path("aud").toString()).isEqualTo("[\"billing\",\"api\"]");
      assertThat(payload.path("azp").asText()).isEqualTo(CLIENT_ID);
    }
  }

  @Test
  void aResourceTheDecidingRuleListsBecomesTheAudience() throws Exception {
    try (WebFixture ferry = start()) {
      JsonNode payload = payload(post(ferry, "resource", RESOURCE));
      assertThat(payload.path("aud").asText()).isEqualTo(RESOURCE);
      assertThat(payload.path("azp").asText()).isEqualTo(CLIENT_ID);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://api.example.com/v2",
        "https://api.example.com/v1/",
        "HTTPS://api.example.com/v1",
        "https://aud.example"
      })
  void aResourceTheRuleDoesNotListIsInvalidTarget(String resource) throws Exception {
    try (WebFixture ferry = start()) {
      HttpResponse<String> response = post(ferry, "resource", RESOURCE, "resource", resource);
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).isEqualTo(invalidTarget("resource", resource));
    }
  }

  @Test
  void audiencesComeFirstThenResourcesEachOnce() throws Exception {
    try (WebFixture ferry = start()) {
      JsonNode payload =
          payload(
              post(
                  ferry,
                  "resource",
                  RESOURCE,
                  "audience",
                  "billing",
                  "resource",
                  RESOURCE_2,
                  "audience",
                  PEER,
                  "resource",
                  RESOURCE));
      assertThat(payload.path("aud").toString())
          .isEqualTo("[\"billing\",\"api\",\"" + RESOURCE + "\",\"" + RESOURCE_2 + "\"]");
      assertThat(payload.path("azp").asText()).isEqualTo(CLIENT_ID);
    }
  }

  @Test
  void crossClientScopesStillAddTheirPeersAfterTheTargets() throws Exception {
    try (WebFixture ferry = start()) {
      Map<String, String> form = exchangeForm();
      form.put("scope", "openid audience:server:client_id:" + PEER);
      String body = WebFixture.encode(form) + "&audience=billing&audience=" + PEER;
      JsonNode payload =
          payload(ferry.postRaw("/token", body, "application/x-www-form-urlencoded"));
      assertThat(payload.path("aud").toString()).isEqualTo("[\"billing\",\"api\"]");
    }
  }

  static Stream<Arguments> malformed() {
    String tooLong = "https://example.com/" + "a".repeat(2048);
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      many.add("audience");
      many.add("billing");
    }
    return Stream.of(
        Arguments.of(
            new String[] {"resource", "api"},
            "Invalid resource 'api': it is not an absolute URI (RFC 8707)."),
        Arguments.of(
            new String[] {"resource", "/v1/things"},
            "Invalid resource '/v1/things': it is not an absolute URI (RFC 8707)."),
        Arguments.of(
            new String[] {"resource", "https://api.example.com/v1 x"},
            "Invalid resource 'https://api.example.com/v1 x': it is not an absolute URI"
                + " (RFC 8707)."),
        Arguments.of(
            new String[] {"resource", "https://api.example.com/v1#part"},
            "Invalid resource 'https://api.example.com/v1#part': it must not contain a"
                + " fragment (RFC 8707)."),
        Arguments.of(
            new String[] {"resource", "https://api.example.com/v1#"},
            "Invalid resource 'https://api.example.com/v1#': it must not contain a fragment"
                + " (RFC 8707)."),
        Arguments.of(
            new String[] {"audience", PEER, "audience", ""},
            "The audience parameter must not be empty."),
        Arguments.of(new String[] {"resource", ""}, "The resource parameter must not be empty."),
        Arguments.of(
            new String[] {"resource", tooLong},
            "Each resource value must be at most 2048 characters long."),
        Arguments.of(
            new String[] {"audience", "b".repeat(2049)},
            "Each audience value must be at most 2048 characters long."),
        Arguments.of(
            many.toArray(String[]::new),
            "Too many audience and resource values: at most 20 are allowed."));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void aMalformedTargetIsInvalidRequestBeforeTheSubjectTokenIsJudged(
      String[] pairs, String description) throws Exception {
    AtomicInteger judged = new AtomicInteger();
    try (WebFixture ferry =
        fixture(
                request -> {
                  judged.incrementAndGet();
                  return decided(Optional.empty());
                })
            .build()) {
      HttpResponse<String> response = post(ferry, pairs);
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body())
          .isEqualTo(
              "{\"error\":\"invalid_request\",\"error_description\":\"" + description + "\"}");
      assertThat(judged).hasValue(0);
    }
  }

  @Test
  void aDescriptionQuotesTheValueWithOnlyTheCharactersRfc6749Allows() throws Exception {
    try (WebFixture ferry = start()) {
      HttpResponse<String> response = post(ferry, "audience", "a\"b\\c\u00e9\td");
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).isEqualTo(invalidTarget("audience", "a?b?c??d"));
      HttpResponse<String> resource = post(ferry, "resource", "urn:x:\"q\"#f");
      assertThat(JSON.readTree(resource.body()).path("error_description").asText())
          .isEqualTo("Invalid resource 'urn:x:?q?#f': it is not an absolute URI (RFC 8707).");
    }
  }

  @Test
  void twentyTargetsAreNotTooMany() throws Exception {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pairs.addAll(List.of("audience", "billing", "resource", RESOURCE));
    }
    try (WebFixture ferry = start()) {
      assertThat(claims(post(ferry, pairs.toArray(String[]::new))).getAudience())
          .containsExactly("billing", RESOURCE);
    }
  }

  @Test
  void aRefusedTargetDoesNotUseUpASingleUseTokenAndIsAudited() throws Exception {
    List<SingleUse> recorded = new ArrayList<>();
    SingleUse use = new SingleUse("https://up.example", "jti-1", WebFixture.START.plusSeconds(600));
    try (WebFixture ferry =
        fixture(request -> decided(Optional.of(use)))
            .ledger(u -> {
              synchronized (recorded) {
                boolean first = !recorded.contains(u);
                recorded.add(u);
                return first;
              }
            })
            .build()) {
      assertThat(post(ferry, "audience", STRANGER).statusCode()).isEqualTo(400);
      assertThat(post(ferry, "resource", "https://elsewhere.example").statusCode()).isEqualTo(400);
      assertThat(recorded).isEmpty();

      HttpResponse<String> issued = post(ferry, "audience", PEER, "resource", RESOURCE);
      JWTClaimsSet claims = claims(issued);
      assertThat(recorded).containsExactly(use);

      List<Map<String, Object>> records = ferry.audits.stream().map(AuditRecord::toMap).toList();
      assertThat(records)
          .extracting(r -> r.get("outcome"), r -> r.get("error"), r -> r.get("rule"))
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("error", "invalid_target", "deploy"),
              org.assertj.core.groups.Tuple.tuple("error", "invalid_target", "deploy"),
              org.assertj.core.groups.Tuple.tuple("issued", null, "deploy"));
      assertThat(records.get(0)).doesNotContainKey("issued");
      @SuppressWarnings("unchecked")
      Map<String, Object> issuedEntry = (Map<String, Object>) records.get(2).get("issued");
      assertThat(issuedEntry)
          .containsEntry("aud", List.of(PEER, RESOURCE))
          .containsEntry("jti", claims.getJWTID());
    }
  }
}
