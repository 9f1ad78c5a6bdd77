package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The guide "Machine Authentication to Dex", end to end: Ferry started from a config file shaped
 * like the guide's (SQLite storage, a {@code public: true} client {@code my-app} with secret {@code
 * my-secret}, {@code oidc} connectors), the guide's curl request over real HTTP, against in-process
 * upstream issuers: one like GitHub Actions (no userinfo) and one with userinfo. Issued tokens are
 * verified with jose4j, an implementation independent of the Nimbus library Ferry signs with.
 */
class MachineAuthenticationEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";
  private static final String ID = "urn:ietf:params:oauth:token-type:id_token";
  private static final String GITHUB_SUB = "repo:octo-org/octo-repo:ref:refs/heads/main";

  @TempDir static Path dir;
  private static UpstreamIssuer github;
  private static UpstreamIssuer withUserInfo;
  private static RunningFerry ferry;

  @BeforeAll
  static void start() throws Exception {
    github = UpstreamIssuer.builder().userInfo(false).start();
    withUserInfo = UpstreamIssuer.builder().userInfo(true).start();
    String unreachable = "http://127.0.0.1:" + RunningFerry.freePort() + "/nobody-home";
    String yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: sqlite3
          config:
            file: %s
        web:
          http: ${WEB}
        oauth2:
          grantTypes:
            # ensure grantTypes includes the token-exchange grant (default)
            - "urn:ietf:params:oauth:grant-type:token-exchange"
        connectors:
        - type: oidc
          id: github-actions
          name: github-actions
          config:
            issuer: %s
            scopes:
              - openid
              - groups
            userNameKey: sub
        - name: My Upstream
          type: oidc
          id: my-upstream
          config:
            issuer: %s
            scopes:
              - groups
              - federated:id
            userNameKey: sub
            getUserInfo: true
        - type: oidc
          id: down
          name: Unreachable at start-up
          config:
            issuer: %s
            scopes: [openid]
            userNameKey: sub
        - type: github
          id: gh-oauth
          name: A connector type Ferry does not serve yet
          config:
            clientID: x
            clientSecret: y
            redirectURI: http://127.0.0.1/callback
        staticClients:
        - name: My App
          id: my-app
          secret: my-secret
          public: true
        """
            .formatted(dir.resolve("dex.db"), github.issuer(), withUserInfo.issuer(), unreachable);
    ferry = RunningFerry.start(dir, yaml, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (github != null) {
      github.close();
    }
    if (withUserInfo != null) {
      withUserInfo.close();
    }
  }

  private static String githubToken() {
    return github
        .token()
        .subject(GITHUB_SUB)
        .without("name")
        .claim("repository_owner", "octo-org")
        .build();
  }

  private static HttpResponse<String> exchange(Map<String, String> form) throws Exception {
    return ferry.postForm("/token", form, "my-app:my-secret");
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  /** Verifies a Ferry token the way a resource server would: discovery, then JWKS, with jose4j. */
  private static JwtClaims verifyIndependently(String jwt) throws Exception {
    JsonNode discovery = json(ferry.get("/.well-known/openid-configuration"));
    assertThat(discovery.get("issuer").asText()).isEqualTo(ferry.issuer);
    HttpsJwks jwks = new HttpsJwks(discovery.get("jwks_uri").asText());
    JwtConsumer consumer =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setRequireSubject()
            .setExpectedIssuer(ferry.issuer)
            .setExpectedAudience("my-app")
            .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
            .build();
    return consumer.processToClaims(jwt);
  }

  @Test
  void theGuidesCurlRequestWorksWithAGitHubActionsToken() throws Exception {
    // The guide sends GitHub's JWT typed as an access token to a connector without userinfo:
    // Dex rejects this (Dex issue #4032); Ferry accepts it (docs/differences-from-dex.md).
    HttpResponse<String> response =
        exchange(RunningFerry.guideForm("github-actions", githubToken(), ACCESS));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("Pragma")).hasValue("no-cache");
    JsonNode body = json(response);
    assertThat(fieldNames(body))
        .containsExactly("access_token", "issued_token_type", "token_type", "expires_in");
    assertThat(body.get("issued_token_type").asText()).isEqualTo(ACCESS);
    assertThat(body.get("token_type").asText()).isEqualTo("bearer");
    assertThat(body.get("expires_in").asInt()).isBetween(86398, 86400);

    JwtClaims claims = verifyIndependently(body.get("access_token").asText());
    // The exact sub for this user and connector (Dex: server/tokens/claims.go GenSubject).
    assertThat(claims.getSubject())
        .isEqualTo(
            "CityZXBvOm9jdG8tb3JnL29jdG8tcmVwbzpyZWY6cmVmcy9oZWFkcy9tYWluEg5naXRodWItYWN0aW9ucw");
    assertThat(claims.getAudience()).containsExactly("my-app");
    assertThat(claims.getClaimValue("at_hash")).isNotNull();
    assertThat(claims.getClaimValueAsString("jti")).isNotBlank();
    assertThat(claims.getClaimsMap().get("federated_claims"))
        .isEqualTo(Map.of("connector_id", "github-actions", "user_id", GITHUB_SUB));
    assertThat(claims.getClaimsMap()).doesNotContainKey("groups");
  }

  @Test
  void anIdTokenTypedGitHubTokenWorksAndCanBeIssuedAsAnIdToken() throws Exception {
    Map<String, String> form = RunningFerry.guideForm("github-actions", githubToken(), ID);
    form.put("requested_token_type", ID);
    HttpResponse<String> response = exchange(form);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = json(response);
    assertThat(body.get("issued_token_type").asText()).isEqualTo(ID);
    JwtClaims claims = verifyIndependently(body.get("access_token").asText());
    assertThat(claims.hasClaim("at_hash")).isFalse();
  }

  @Test
  void anOpaqueAccessTokenIsVerifiedThroughUserinfo() throws Exception {
    String opaque =
        withUserInfo.opaqueAccessToken(
            Map.of("sub", "machine-42", "groups", List.of("deployers"), "email", "m@example.com"));
    HttpResponse<String> response = exchange(RunningFerry.guideForm("my-upstream", opaque, ACCESS));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(withUserInfo.lastAuthorization(UpstreamIssuer.USERINFO))
        .hasValue("Bearer " + opaque);
    JwtClaims claims = verifyIndependently(json(response).get("access_token").asText());
    assertThat(claims.getClaimsMap().get("federated_claims"))
        .isEqualTo(Map.of("connector_id", "my-upstream", "user_id", "machine-42"));
  }

  @Test
  void anUpstreamEchoingTheBearerInBadJsonDoesNotGetItLogged() throws Exception {
    // Shaped like a GitHub token: a JSON parser quotes all of it as an unrecognised token.
    String opaque =
        withUserInfo.opaqueAccessToken(
            "gho_" + UUID.randomUUID().toString().replace("-", ""), Map.of("sub", "machine-43"));
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level previous = root.getLevel();
    root.setLevel(Level.DEBUG);
    root.addAppender(appender);
    withUserInfo.fault(UpstreamIssuer.USERINFO, UpstreamIssuer.Fault.ECHO_BEARER);
    HttpResponse<String> response;
    try {
      response = exchange(RunningFerry.guideForm("my-upstream", opaque, ACCESS));
    } finally {
      withUserInfo.fault(UpstreamIssuer.USERINFO, UpstreamIssuer.Fault.NONE);
      root.detachAppender(appender);
      root.setLevel(previous);
    }
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"error\":\"access_denied\"}");
    assertThat(withUserInfo.lastAuthorization(UpstreamIssuer.USERINFO))
        .hasValue("Bearer " + opaque);
    // Jetty's threads may still be appending (root is at DEBUG): copy under the appender's lock,
    // which AppenderBase.doAppend holds while it appends.
    List<ILoggingEvent> events;
    synchronized (appender) {
      events = new ArrayList<>(appender.list);
    }
    assertThat(events).isNotEmpty();
    for (ILoggingEvent event : events) {
      StringBuilder logged = new StringBuilder(event.getFormattedMessage());
      for (IThrowableProxy e = event.getThrowableProxy(); e != null; e = e.getCause()) {
        logged.append(' ').append(e.getMessage());
      }
      assertThat(logged.toString()).doesNotContain(opaque);
    }
  }

  @Test
  void anOpaqueAccessTokenWithoutUserinfoIsDenied() throws Exception {
    HttpResponse<String> response =
        exchange(
            RunningFerry.guideForm(
                "github-actions", "gho_" + UUID.randomUUID().toString().replace("-", ""), ACCESS));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"error\":\"access_denied\"}");
  }

  @Test
  void theExchangedTokenWorksAtUserinfoAndIntrospection() throws Exception {
    String token =
        json(exchange(RunningFerry.guideForm("github-actions", githubToken(), ID)))
            .get("access_token")
            .asText();
    HttpResponse<String> userinfo = ferryGetWithBearer("/userinfo", token);
    assertThat(userinfo.statusCode()).isEqualTo(200);
    assertThat(json(userinfo).get("aud").asText()).isEqualTo("my-app");

    HttpResponse<String> introspection =
        ferry.postForm("/token/introspect", Map.of("token", token), "");
    assertThat(introspection.statusCode()).isEqualTo(200);
    JsonNode result = json(introspection);
    assertThat(result.get("active").asBoolean()).isTrue();
    assertThat(result.get("client_id").asText()).isEqualTo("my-app");
  }

  private static HttpResponse<String> ferryGetWithBearer(String path, String token)
      throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    return client.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(ferry.base + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aConnectorWhoseUpstreamIsDownDidNotStopTheServerAndDeniesQuickly() throws Exception {
    Instant start = Instant.now();
    HttpResponse<String> response = exchange(RunningFerry.guideForm("down", githubToken(), ID));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"error\":\"access_denied\"}");
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aConnectorTypeFerryDoesNotServeYetCannotExchange() throws Exception {
    HttpResponse<String> response = exchange(RunningFerry.guideForm("gh-oauth", "x", ID));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error_description").asText())
        .isEqualTo("Requested connector does not exist.");
  }

  static Stream<Arguments> hostileUpstreamTokens() {
    return Stream.of(
        Arguments.of(
            "expired",
            (UnaryOperator<UpstreamToken>) t -> t.expiresAt(Instant.now().minusSeconds(5))),
        Arguments.of("no exp", (UnaryOperator<UpstreamToken>) t -> t.without("exp")),
        Arguments.of(
            "nbf in 6 minutes",
            (UnaryOperator<UpstreamToken>)
                t -> t.notBefore(Instant.now().plus(Duration.ofMinutes(6)))),
        Arguments.of(
            "another issuer",
            (UnaryOperator<UpstreamToken>)
                t -> t.issuer("https://token.actions.githubusercontent.com")),
        Arguments.of(
            "alg none",
            (UnaryOperator<UpstreamToken>) t -> t.signedWith(UpstreamToken.Signing.NONE)),
        Arguments.of(
            "HS256 keyed with the public key",
            (UnaryOperator<UpstreamToken>)
                t -> t.signedWith(UpstreamToken.Signing.HMAC_WITH_PUBLIC_KEY)),
        Arguments.of(
            "unpublished key",
            (UnaryOperator<UpstreamToken>)
                t -> t.signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA)),
        Arguments.of(
            "RS256 by a published 1024-bit RSA key",
            (UnaryOperator<UpstreamToken>) t -> t.signedWith(UpstreamToken.Signing.WEAK_RSA)),
        Arguments.of("unknown kid", (UnaryOperator<UpstreamToken>) t -> t.kid("no-such-kid")),
        Arguments.of(
            "tampered payload",
            (UnaryOperator<UpstreamToken>)
                t -> t.tamperPayload(bytes -> bytes[bytes.length - 2] ^= 1)),
        Arguments.of(
            "jku header to an attacker",
            (UnaryOperator<UpstreamToken>)
                t ->
                    t.signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA)
                        .header("jku", "http://127.0.0.1:9/keys")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileUpstreamTokens")
  void hostileUpstreamTokensAreDeniedWithoutDescription(
      String name, UnaryOperator<UpstreamToken> shape) throws Exception {
    String token = shape.apply(github.token().subject(GITHUB_SUB)).build();
    HttpResponse<String> response = exchange(RunningFerry.guideForm("github-actions", token, ID));
    assertThat(response.statusCode()).as(name).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"error\":\"access_denied\"}");
    // and the server keeps serving
    assertThat(exchange(RunningFerry.guideForm("github-actions", githubToken(), ID)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aKidFloodThroughTheEndpointCostsABoundedNumberOfJwksFetches() throws Exception {
    exchange(RunningFerry.guideForm("github-actions", githubToken(), ID)); // keys cached
    github.resetCounts();
    Instant start = Instant.now();
    for (int i = 0; i < 200; i++) {
      String forged =
          github.token().kid("kid-" + i).signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA).build();
      assertThat(exchange(RunningFerry.guideForm("github-actions", forged, ID)).statusCode())
          .isEqualTo(401);
    }
    // The connector allows two forced JWKS refetches per 10 s window (UpstreamHttpSettings); with
    // the
    // wall clock the flood may straddle windows, so the bound counts the windows it touched.
    long windows = Duration.between(start, Instant.now()).toSeconds() / 10 + 2;
    assertThat(github.requests(UpstreamIssuer.KEYS)).isLessThanOrEqualTo((int) (2 * windows));
    assertThat(github.requests(UpstreamIssuer.KEYS)).isLessThan(10);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
