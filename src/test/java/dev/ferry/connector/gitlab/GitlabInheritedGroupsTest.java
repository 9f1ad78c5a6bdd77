package dev.ferry.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code inheritedGroups}: group names from the paginated {@code /api/v4/groups}, and with {@code
 * getGroupsPermission} each group's role from userinfo or from the user's effective membership.
 */
class GitlabInheritedGroupsTest {

  private static final String PAGE = "/api/v4/groups?all_available=false&page=%d&per_page=50";

  private FakeGitlab gitlab;

  @BeforeEach
  void start() {
    gitlab = FakeGitlab.start();
  }

  @AfterEach
  void stop() {
    gitlab.close();
  }

  private static Map<String, Object> group(int id, String fullPath) {
    Map<String, Object> group = new HashMap<>();
    group.put("id", id);
    group.put("full_path", fullPath);
    group.put("path", fullPath.substring(fullPath.lastIndexOf('/') + 1));
    group.put("name", "Group " + id);
    group.put("description", "a description GitLab also sends");
    return group;
  }

  private void page(int page, List<?> groups) {
    gitlab.replyJson(PAGE.formatted(page), groups);
  }

  private Identity exchange(Map<String, ?> config) throws Exception {
    try (GitlabConnector connector = TestGitlab.open(gitlab, config)) {
      return connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity();
    }
  }

  @Test
  void groupNamesComeFromEveryPageOfTheGroupsApi() throws Exception {
    List<Object> first = new ArrayList<>();
    IntStream.rangeClosed(1, 50).forEach(i -> first.add(group(i, "org/team-" + i)));
    Map<String, Object> pathOnly = new HashMap<>(Map.of("id", 51, "path", "no-full-path"));
    List<Object> second = new ArrayList<>();
    second.add(pathOnly);
    second.add(null);
    second.add(group(52, "org"));
    page(1, first);
    page(2, second);

    Identity identity = exchange(Map.of("inheritedGroups", true));

    assertThat(identity.groups()).hasSize(52);
    assertThat(identity.groups()).startsWith("org/team-1", "org/team-2");
    assertThat(identity.groups()).endsWith("org/team-50", "no-full-path", "org");
    assertThat(gitlab.requests())
        .containsExactly("/api/v4/user", PAGE.formatted(1), PAGE.formatted(2));
    assertThat(gitlab.lastAuthorization("/api/v4/groups")).contains("Bearer " + FakeGitlab.TOKEN);
  }

  @Test
  void rolesComeFromUserinfoFirstThenFromTheEffectiveMembership() throws Exception {
    page(
        1,
        List.of(
            group(1, "ops"),
            group(2, "ops/api"),
            group(3, "sec"),
            group(4, "hidden"),
            group(5, "gone"),
            group(6, "odd")));
    gitlab.userInfo(
        Map.of("groups", List.of("ops"), "https://gitlab.org/claims/groups/owner", List.of("ops")));
    gitlab.replyJson("/api/v4/groups/3/members/all/12345678", Map.of("access_level", 40));
    gitlab.reply("/api/v4/groups/4/members/all/12345678", 403, "{}");
    gitlab.reply("/api/v4/groups/5/members/all/12345678", 404, "{}");
    gitlab.replyJson("/api/v4/groups/6/members/all/12345678", Map.of("access_level", 35));

    Identity identity = exchange(Map.of("inheritedGroups", true, "getGroupsPermission", true));

    assertThat(identity.groups())
        .containsExactly(
            "ops",
            "ops/api",
            "sec",
            "hidden",
            "gone",
            "odd",
            "ops:owner",
            "ops/api:owner",
            "sec:maintainer");
    assertThat(gitlab.requests())
        .containsExactly(
            "/api/v4/user",
            PAGE.formatted(1),
            "/oauth/userinfo",
            "/api/v4/groups/3/members/all/12345678",
            "/api/v4/groups/4/members/all/12345678",
            "/api/v4/groups/5/members/all/12345678",
            "/api/v4/groups/6/members/all/12345678");
  }

  @Test
  void withoutGetGroupsPermissionUserinfoIsNotAsked() throws Exception {
    page(1, List.of(group(1, "ops")));
    assertThat(exchange(Map.of("inheritedGroups", true)).groups()).containsExactly("ops");
    assertThat(gitlab.requests()).doesNotContain("/oauth/userinfo");
  }

  @Test
  void theGroupsFilterAppliesToInheritedGroups() throws Exception {
    page(1, List.of(group(1, "org"), group(2, "org/sub")));
    assertThat(exchange(Map.of("inheritedGroups", true, "groups", List.of("org/sub"))).groups())
        .containsExactly("org/sub");
  }

  @Test
  void aFailingMembershipLookupRefusesTheToken() throws Exception {
    page(1, List.of(group(3, "sec")));
    gitlab.userInfo(Map.of());
    gitlab.reply("/api/v4/groups/3/members/all/12345678", 500, "{}");
    assertThatThrownBy(() -> exchange(Map.of("inheritedGroups", true, "getGroupsPermission", true)))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("get groups: GET")
        .hasMessageContaining("answered HTTP 500");
  }

  @Test
  void aGroupWithoutAnIdCannotHaveItsRoleLookedUp() throws Exception {
    page(1, List.of(Map.of("full_path", "no-id")));
    gitlab.userInfo(Map.of());
    assertThatThrownBy(() -> exchange(Map.of("inheritedGroups", true, "getGroupsPermission", true)))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("group id is required");
  }

  @Test
  void aGroupsAnswerThatIsNotAListIsRefused() {
    gitlab.replyJson(PAGE.formatted(1), Map.of("message", "403 Forbidden"));
    assertThatThrownBy(() -> exchange(Map.of("inheritedGroups", true)))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("expected a JSON array");
  }

  @Test
  void endlessPagesAreCutOff() {
    List<Object> full = new ArrayList<>();
    IntStream.rangeClosed(1, 50).forEach(i -> full.add(group(i, "g" + i)));
    gitlab.replyJson("/api/v4/groups", full);
    assertThatThrownBy(() -> exchange(Map.of("inheritedGroups", true)))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("more than 5000 groups");
    assertThat(gitlab.requests()).hasSize(1 + GitlabApi.MAX_GROUP_PAGES);
  }

  @Test
  void noNewCallStartsOnceTheBudgetForOneTokenIsSpent() throws Exception {
    // Each request takes "one second" of the test clock; the budget is 3 x 1.5 s.
    MutableClock clock = MutableClock.atFixedStart();
    gitlab.hook(path -> clock.advance(Duration.ofSeconds(1)));
    List<Object> groups = new ArrayList<>();
    IntStream.rangeClosed(1, 20).forEach(i -> groups.add(group(i, "g" + i)));
    page(1, groups);
    gitlab.userInfo(Map.of());
    gitlab.replyJson("/api/v4/groups/1/members/all/12345678", Map.of("access_level", 30));

    try (GitlabConnector connector =
        TestGitlab.open(
            gitlab, clock, Map.of("inheritedGroups", true, "getGroupsPermission", true))) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(TokenTypes.ACCESS_TOKEN, FakeGitlab.TOKEN).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageContaining("took too long");
    }
    // user, groups page, userinfo, and membership lookups until 4.5 s had passed.
    assertThat(gitlab.requests()).hasSize(5);
  }
}
