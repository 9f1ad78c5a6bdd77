package dev.ferry.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.oauth2.TokenTypes;
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
 * Dex's gitlab TestTokenIdentity (Dex: connector/gitlab/gitlab_test.go TestTokenIdentity) and the
 * userinfo group rules around it.
 */
class GitlabTokenIdentityTest {

  private FakeGitlab gitlab;

  @BeforeEach
  void start() {
    gitlab = FakeGitlab.start();
  }

  @AfterEach
  void stop() {
    gitlab.close();
  }

  static Stream<Arguments> dexCases() {
    return Stream.of(
        Arguments.of("without groups config", Map.of(), Map.of(), "12345678", List.of()),
        Arguments.of(
            "with groups filter",
            Map.of("groups", List.of("team-1")),
            Map.of("groups", List.of("team-1", "team-2")),
            "12345678",
            List.of("team-1")),
        Arguments.of(
            "with groups permission",
            Map.of("getGroupsPermission", true),
            Map.of(
                "groups", List.of("ops", "dev"),
                "https://gitlab.org/claims/groups/owner", List.of("ops"),
                "https://gitlab.org/claims/groups/developer", List.of("dev")),
            "12345678",
            List.of("ops", "dev", "ops:owner", "dev:developer")),
        Arguments.of(
            "with useLoginAsID", Map.of("useLoginAsID", true), Map.of(), "joebloggs", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dexCases")
  void dexTokenIdentityCases(
      String name,
      Map<String, ?> config,
      Map<String, ?> userInfo,
      String userId,
      List<String> groups)
      throws Exception {
    gitlab.userInfo(userInfo);
    try (GitlabConnector connector = TestGitlab.open(gitlab, config)) {
      Identity identity =
          connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();

      assertThat(identity.userId()).isEqualTo(userId);
      assertThat(identity.groups()).isEqualTo(groups);
      assertThat(identity.username()).isEqualTo("Joe Bloggs");
      assertThat(identity.preferredUsername()).isEqualTo("joebloggs");
      assertThat(identity.email()).isEqualTo("some@email.com");
      assertThat(identity.emailVerified()).isTrue();
      assertThat(identity.connectorData()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        TokenTypes.ACCESS_TOKEN,
        TokenTypes.ID_TOKEN,
        "urn:ietf:params:oauth:token-type:jwt",
        "anything"
      })
  void theSubjectTokenTypeIsIgnored(String type) throws Exception {
    gitlab.userInfo(Map.of("groups", List.of("team-1")));
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of())) {
      Identity identity = connector.tokenIdentity(type, FakeGitlab.TOKEN).identity();
      assertThat(identity.userId()).isEqualTo("12345678");
      assertThat(identity.groups()).containsExactly("team-1");
    }
  }

  @Test
  void theTokenIsSentAsBearerToUserAndUserinfo() throws Exception {
    gitlab.userInfo(Map.of());
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of())) {
      connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
    }
    assertThat(gitlab.requests()).containsExactly("/api/v4/user", "/oauth/userinfo");
    assertThat(gitlab.lastAuthorization("/api/v4/user")).contains("Bearer " + FakeGitlab.TOKEN);
    assertThat(gitlab.lastAuthorization("/oauth/userinfo")).contains("Bearer " + FakeGitlab.TOKEN);
  }

  @Test
  void usernameFallsBackToTheEmailWhenTheProfileHasNoName() throws Exception {
    gitlab.user(Map.of("id", 7, "username", "ci-bot", "email", "bot@example.com"));
    gitlab.userInfo(Map.of());
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of())) {
      Identity identity =
          connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
      assertThat(identity.userId()).isEqualTo("7");
      assertThat(identity.username()).isEqualTo("bot@example.com");
      assertThat(identity.preferredUsername()).isEqualTo("ci-bot");
    }
  }

  @Test
  void aUserInNoneOfTheRequiredGroupsIsRefusedWithDexsMessage() throws Exception {
    gitlab.userInfo(Map.of("groups", List.of("team-1")));
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of("groups", List.of("team-2")))) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessage(
              "gitlab: get groups: gitlab: user \"joebloggs\" is not in any of the required"
                  + " groups");
    }
  }

  @Test
  void aUserWithoutGroupsIsRefusedWhenGroupsAreRequired() throws Exception {
    gitlab.userInfo(Map.of());
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of("groups", List.of("team-1")))) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("is not in any of the required groups");
    }
  }

  @Test
  void rolesCoverSubgroupsAndEachGroupGetsItsHighestRoleOnly() throws Exception {
    gitlab.userInfo(
        Map.of(
            "groups", List.of("ops", "ops/api", "dev", "developers", "qa", "sales"),
            "https://gitlab.org/claims/groups/owner", List.of("ops"),
            "https://gitlab.org/claims/groups/maintainer", List.of("dev", "ops"),
            "https://gitlab.org/claims/groups/developer", List.of("qa", "dev")));
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of("getGroupsPermission", true))) {
      Identity identity =
          connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
      assertThat(identity.groups())
          .containsExactly(
              "ops",
              "ops/api",
              "dev",
              "developers",
              "qa",
              "sales",
              "ops:owner",
              "ops/api:owner",
              "dev:maintainer",
              "qa:developer");
    }
  }

  @Test
  void theGroupsFilterSeesTheRoleEntries() throws Exception {
    gitlab.userInfo(
        Map.of(
            "groups", List.of("ops", "dev"),
            "https://gitlab.org/claims/groups/owner", List.of("ops")));
    try (GitlabConnector connector =
        TestGitlab.open(
            gitlab, Map.of("getGroupsPermission", true, "groups", List.of("ops:owner", "dev")))) {
      Identity identity =
          connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
      assertThat(identity.groups()).containsExactly("dev", "ops:owner");
    }
  }

  @Test
  void userinfoKeysMatchCaseInsensitivelyAsInGo() throws Exception {
    gitlab.user(Map.of("ID", 42, "Name", "Ann", "UserName", "ann", "EMAIL", "ann@example.com"));
    gitlab.userInfo(Map.of("Groups", List.of("g")));
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of())) {
      Identity identity =
          connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
      assertThat(identity.userId()).isEqualTo("42");
      assertThat(identity.username()).isEqualTo("Ann");
      assertThat(identity.preferredUsername()).isEqualTo("ann");
      assertThat(identity.email()).isEqualTo("ann@example.com");
      assertThat(identity.groups()).containsExactly("g");
    }
  }

  @Test
  void ofKeysThatDifferOnlyInCaseTheLaterWinsAsInGo() throws Exception {
    // Go: encoding/json/decode.go object - each key overwrites the field it folds to.
    gitlab.reply("/api/v4/user", 200, "{\"id\":1,\"ID\":2,\"username\":\"a\",\"UserName\":\"b\"}");
    gitlab.userInfo(Map.of());
    try (GitlabConnector connector = TestGitlab.open(gitlab, Map.of())) {
      Identity identity =
          connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
      assertThat(identity.userId()).isEqualTo("2");
      assertThat(identity.preferredUsername()).isEqualTo("b");
    }
  }

  @Test
  void aTrailingSlashOnTheBaseUrlIsDropped() throws Exception {
    gitlab.userInfo(Map.of());
    try (GitlabConnector connector =
        TestGitlab.open(gitlab, Map.of("baseURL", gitlab.baseUrl() + "/"))) {
      connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
    }
    assertThat(gitlab.requests()).containsExactly("/api/v4/user", "/oauth/userinfo");
  }
}
