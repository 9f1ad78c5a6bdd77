package dev.ferry.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dex's group rules without I/O: role coverage, access levels and the allow-list filter. */
class GitlabGroupsTest {

  @ParameterizedTest(name = "{0} covered by {1}: {2}")
  @CsvSource({
    "ops, ops, true",
    "ops/api, ops, true",
    "ops/api/v2, ops, true",
    "ops/api/v2, ops/api, true",
    "operations, ops, false",
    "ops, ops/api, false",
    "ops-api, ops, false",
    "OPS, ops, false",
    "'', '', true"
  })
  void aRoleCoversItsGroupAndItsSubgroups(String group, String rolePath, boolean covered) {
    assertThat(GitlabGroups.matches(group, List.of(rolePath))).isEqualTo(covered);
  }

  @ParameterizedTest(name = "access_level {0} -> {1}")
  @CsvSource({
    "5, minimal_access",
    "10, guest",
    "15, planner",
    "20, reporter",
    "25, security_manager",
    "30, developer",
    "40, maintainer",
    "50, owner",
    "60, admin",
    "0, ''",
    "35, ''",
    "-10, ''",
    "4294967306, ''"
  })
  void accessLevelsAreGitlabsRoles(long level, String role) {
    assertThat(GitlabGroups.role(level).orElse("")).isEqualTo(role);
  }

  @ParameterizedTest(name = "{0} filtered by {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a,b,c | c,a | a,c",
        "a,b,a | a | a,a",
        "a,b | x | ''",
      })
  void theFilterKeepsTheUsersOrderAndDuplicates(String given, String allowed, String expected) {
    assertThat(GitlabGroups.filter(split(given), split(allowed))).isEqualTo(split(expected));
  }

  private static List<String> split(String csv) {
    return csv.isEmpty() ? List.of() : List.of(csv.split(","));
  }
}
