package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.WebFixture.CLIENT_ID;
import static dev.ferry.endpoint.WebFixture.exchangeForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.oidc.OidcConnector;
import dev.ferry.connector.oidc.OidcConnectorFactory;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.PolicyRequest;
import dev.ferry.policy.SubjectPolicy;
import dev.ferry.policy.TrustReport;
import dev.ferry.testing.UpstreamIssuer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The policy step of token exchange sees what the connector verified: a real exchange through an
 * {@code oidc} connector (ID token plus userinfo) reaches the {@link SubjectPolicy} with the
 * client, connector, scopes, the token's metadata and the merged upstream claims; a denying policy
 * answers with its OAuth error and nothing is issued.
 */
class SubjectPolicySeamTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void thePolicySeesTheVerifiedClaimsAndMetadataOfARealExchange() throws Exception {
    AtomicReference<@Nullable PolicyRequest> seen = new AtomicReference<>();
    SubjectPolicy recording =
        request -> {
          seen.set(request);
          return PolicyDecision.allow();
        };
    try (UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(true).start()) {
      upstream.userInfoClaims(Map.of("sub", "subvalue", "name", "namevalue", "team", "blue"));
      Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String token =
          upstream
              .token()
              .audience(List.of("sts.example", "other"))
              .claim("iat", issuedAt.getEpochSecond())
              .claim("exp", issuedAt.plus(Duration.ofHours(1)).getEpochSecond())
              .claim("jti", "token-42")
              .claim("repository", Map.of("owner", "octo", "ids", List.of(1, 2)))
              .build();
      try (WebFixture ferry = fixture(upstream, true, recording)) {
        Map<String, String> form = exchangeForm();
        form.put("connector_id", "up");
        form.put("scope", "openid groups");
        form.put("subject_token", token);
        HttpResponse<String> response = ferry.postForm("/token", form);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        PolicyRequest request = Objects.requireNonNull(seen.get(), "the policy was not called");
        assertThat(request.clientId()).isEqualTo(CLIENT_ID);
        assertThat(request.connectorId()).isEqualTo("up");
        assertThat(request.scopes()).containsExactly("openid", "groups");
        VerifiedSubject subject = request.subject();
        assertThat(subject.token())
            .isEqualTo(
                new SubjectToken(
                    TokenTypes.ID_TOKEN,
                    upstream.issuer(),
                    List.of("sts.example", "other"),
                    Optional.of(issuedAt),
                    Optional.of(issuedAt.plus(Duration.ofHours(1))),
                    Optional.of("token-42")));
        // The token's claims merged with userinfo's ("team" comes only from userinfo).
        assertThat(subject.claims())
            .containsEntry("sub", "subvalue")
            .containsEntry("iss", upstream.issuer())
            .containsEntry("jti", "token-42")
            .containsEntry("team", "blue")
            .containsEntry("repository", Map.of("owner", "octo", "ids", List.of(1, 2)));
        assertThat(subject.identity().userId()).isEqualTo("subvalue");
        assertThat(subject.identity().username()).isEqualTo("namevalue");
      }
    }
  }

  @Test
  void aDenyingPolicyAnswersWithItsOAuthErrorAndIssuesNothing() throws Exception {
    SubjectPolicy refuses =
        request ->
            new PolicyDecision.Deny(
                OAuthError.INVALID_GRANT,
                Optional.of("subject not allowed"),
                "repository " + request.subject().claims().get("repository") + " not trusted",
                PolicyDecision.Refusal.POLICY,
                TrustReport.none());
    try (UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(false).start();
        WebFixture ferry = fixture(upstream, false, refuses)) {
      Map<String, String> form = exchangeForm();
      form.put("connector_id", "up");
      form.put("subject_token", upstream.token().claim("repository", "evil/repo").build());
      HttpResponse<String> response = ferry.postForm("/token", form);
      // A refusal by the rules is 403: the client and the token are fine, the subject is not.
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_grant");
      assertThat(JSON.readTree(response.body()).path("error_description").asText())
          .isEqualTo("subject not allowed");
      assertThat(response.body()).doesNotContain("access_token", "evil/repo");
    }
  }

  @Test
  void aBareDenyIsTheAnswerOfAFailedVerification() throws Exception {
    try (UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(false).start();
        WebFixture ferry =
            fixture(upstream, false, request -> PolicyDecision.deny("no rule matched"))) {
      Map<String, String> form = exchangeForm();
      form.put("connector_id", "up");
      form.put("subject_token", upstream.token().build());
      HttpResponse<String> response = ferry.postForm("/token", form);
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).isEqualTo("{\"error\":\"access_denied\"}");
    }
  }

  static WebFixture fixture(UpstreamIssuer upstream, boolean getUserInfo, SubjectPolicy policy)
      throws Exception {
    String config =
        JSON.writeValueAsString(
            Map.of(
                "issuer",
                upstream.issuer(),
                "scopes",
                List.of("openid", "groups"),
                "getUserInfo",
                getUserInfo));
    return WebFixture.builder()
        .policy(policy)
        .setup(storage ->
            storage
                .connectors()
                .create(new dev.ferry.storage.Connector("up", "oidc", "Up", "1", "{}", List.of())))
        .connectorsWith((storage, cpu) -> {
          OidcConnector connector;
          try {
            connector =
                new OidcConnectorFactory(
                        Clock.systemUTC(),
                        UpstreamHttpSettings.defaults(),
                        cpu,
                        UpstreamBulkhead.Limits.defaults())
                    .open("up", config);
          } catch (ConnectorException e) {
            throw new IllegalStateException(e);
          }
          return id -> storage.connectors().get(id).map(d -> new OpenedConnector(d, connector));
        })
        .build();
  }
}
