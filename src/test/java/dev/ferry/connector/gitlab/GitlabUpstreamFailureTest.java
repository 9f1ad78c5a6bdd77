package dev.ferry.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ferry.connector.IdentityException;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way GitLab can fail or misbehave ends in an {@link IdentityException} within the request
 * deadline, with a message that says which call failed and never contains the token.
 */
class GitlabUpstreamFailureTest {

  private FakeGitlab gitlab;
  private GitlabConnector connector;

  @BeforeEach
  void start() throws Exception {
    gitlab = FakeGitlab.start();
    gitlab.userInfo(Map.of("groups", List.of("team-1")));
    connector = TestGitlab.open(gitlab, Map.of());
  }

  @AfterEach
  void stop() {
    connector.close();
    gitlab.close();
  }

  private IdentityException refused(String token) {
    long start = System.nanoTime();
    Throwable thrown =
        catchThrowable(() -> connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, token).identity());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(thrown).isInstanceOf(IdentityException.class);
    assertThat(thrown.getMessage()).doesNotContain(token);
    // The fake's timeout is 1.5 s; no failure may hold the request much longer.
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    return (IdentityException) thrown;
  }

  @Test
  void aTokenGitlabRejectsGets401AndIsRefused() {
    String token = "glpat-revoked-or-unknown";
    IdentityException e = refused(token);
    assertThat(e)
        .hasMessage("gitlab: get user: GET " + gitlab.baseUrl() + "/api/v4/user answered HTTP 401");
    assertThat(gitlab.requests()).containsExactly("/api/v4/user");
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("/api/v4/user", FakeGitlab.Reply.json(500, "{}"), "get user: GET"),
        Arguments.of("/api/v4/user", FakeGitlab.Reply.json(200, "{\"id\": 1,"), "not valid JSON"),
        Arguments.of("/api/v4/user", FakeGitlab.Reply.json(200, "[1]"), "expected a JSON object"),
        Arguments.of("/api/v4/user", FakeGitlab.Reply.json(200, ""), "failed to decode response"),
        Arguments.of("/api/v4/user", FakeGitlab.Reply.hanging(), "no complete response within"),
        Arguments.of(
            "/api/v4/user",
            FakeGitlab.Reply.json(200, "{\"id\":\"" + "x".repeat(300 * 1024) + "\"}"),
            "larger than"),
        Arguments.of("/oauth/userinfo", FakeGitlab.Reply.json(500, "{}"), "get groups: GET"),
        Arguments.of("/oauth/userinfo", FakeGitlab.Reply.json(403, "{}"), "answered HTTP 403"),
        Arguments.of("/oauth/userinfo", FakeGitlab.Reply.json(200, "{\"groups\""), "valid JSON"),
        Arguments.of("/oauth/userinfo", FakeGitlab.Reply.hanging(), "no complete response"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("faults")
  void upstreamFailuresAreRefusedQuickly(String path, FakeGitlab.Reply reply, String message) {
    gitlab.reply(path, reply);
    assertThat(refused(FakeGitlab.TOKEN)).hasMessageContaining(message);
  }

  static Stream<Arguments> malformedUsers() {
    return Stream.of(
        Arguments.of("{\"id\":\"12345678\",\"username\":\"joe\"}", "field \"id\": expected"),
        Arguments.of("{\"id\":1.5,\"username\":\"joe\"}", "field \"id\": expected an integer"),
        Arguments.of("{\"id\":1e3,\"username\":\"joe\"}", "field \"id\": expected an integer"),
        Arguments.of("{\"id\":99999999999999999999}", "field \"id\": expected an integer"),
        Arguments.of("{\"username\":\"joe\"}", "field \"id\" is missing"),
        Arguments.of("{\"id\":null,\"username\":\"joe\"}", "field \"id\" is missing"),
        Arguments.of("{\"id\":1,\"name\":7}", "field \"name\": expected a string"),
        Arguments.of("{\"id\":1,\"email\":[\"a@b\"]}", "field \"email\": expected a string"),
        Arguments.of("{\"id\":1,\"id\":2}", "not valid JSON"),
        Arguments.of("{\"id\":1} {\"id\":2}", "not valid JSON"));
  }

  @ParameterizedTest
  @MethodSource("malformedUsers")
  void aMalformedUserIsRefused(String body, String message) {
    gitlab.reply("/api/v4/user", 200, body);
    assertThat(refused(FakeGitlab.TOKEN))
        .hasMessageStartingWith("gitlab: get user: failed to decode response: ")
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"groups\":\"team-1\"}",
        "{\"groups\":[1]}",
        "{\"groups\":[[\"a\"]]}",
        "{\"https://gitlab.org/claims/groups/owner\":{\"a\":1}}"
      })
  void malformedUserinfoGroupsAreRefused(String body) {
    gitlab.reply("/oauth/userinfo", 200, body);
    assertThat(refused(FakeGitlab.TOKEN))
        .hasMessageStartingWith("gitlab: get groups: failed to decode response: field");
  }

  @Test
  void nullGroupsAreNoGroupsAsInGo() throws Exception {
    gitlab.reply("/oauth/userinfo", 200, "{\"groups\":null,\"sub\":\"1\"}");
    assertThat(
            connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity().groups())
        .isEmpty();
  }

  @Test
  void anEmptyUsernameCannotBeTheUserId() throws Exception {
    gitlab.user(Map.of("id", 5, "name", "No Login"));
    try (GitlabConnector byLogin = TestGitlab.open(gitlab, Map.of("useLoginAsID", true))) {
      assertThatThrownBy(
              () -> byLogin.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("username is empty");
    }
  }

  static Stream<Arguments> unusableTokens() {
    return Stream.of(
        Arguments.of("", "is empty"),
        Arguments.of("tok\r\nX-Injected: 1", "not allowed in a bearer token"),
        Arguments.of("tok en", "not allowed in a bearer token"),
        Arguments.of("tök", "not allowed in a bearer token"),
        Arguments.of("t".repeat(TestGitlab.FAST.maxTokenBytes() + 1), "is longer than"));
  }

  @ParameterizedTest
  @MethodSource("unusableTokens")
  void tokensThatCannotBeBearerTokensAreRefusedBeforeAnyRequest(String token, String message) {
    assertThatThrownBy(() -> connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, token).identity())
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(message);
    assertThat(gitlab.requests()).isEmpty();
  }

  @Test
  void anUnreachableGitlabIsRefusedQuickly() throws Exception {
    String base = gitlab.baseUrl();
    gitlab.close();
    String config = FakeGitlab.json(Map.of("baseURL", base));
    try (GitlabConnector closed =
        new GitlabConnectorFactory(MutableClock.atFixedStart(), TestGitlab.FAST)
            .open("gitlab", config)) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> closed.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageStartingWith("gitlab: get user: GET " + base + "/api/v4/user: ");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
