package dev.ferry.connector.gitlab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Dex's group rules for the GitLab connector, free of I/O: role suffixes from the userinfo claims
 * and from GitLab access levels, and the {@code groups} allow-list filter.
 */
final class GitlabGroups {

  private static final Map<Long, String> ROLES =
      Map.of(
          5L, "minimal_access",
          10L, "guest",
          15L, "planner",
          20L, "reporter",
          25L, "security_manager",
          30L, "developer",
          40L, "maintainer",
          50L, "owner",
          60L, "admin");

  private GitlabGroups() {}

  /**
   * The userinfo groups followed by one {@code group:role} entry per group that has a role (Dex:
   * setGroupsPermission). Owner is looked at first, then maintainer, then developer, so a group
   * gets its highest role only.
   */
  static List<String> withUserInfoRoles(GitlabApi.UserInfo info) {
    List<String> groups = new ArrayList<>(info.groups());
    for (String group : info.groups()) {
      userInfoRole(group, info).ifPresent(role -> groups.add(group + ":" + role));
    }
    return groups;
  }

  /**
   * The role userinfo grants on {@code groupPath}: a role claim names the group or one of its
   * ancestors (Dex: userInfoPermission).
   */
  static Optional<String> userInfoRole(String groupPath, GitlabApi.UserInfo info) {
    if (matches(groupPath, info.owner())) {
      return Optional.of("owner");
    }
    if (matches(groupPath, info.maintainer())) {
      return Optional.of("maintainer");
    }
    if (matches(groupPath, info.developer())) {
      return Optional.of("developer");
    }
    return Optional.empty();
  }

  /**
   * Whether a role on one of {@code rolePaths} covers {@code groupPath}: the same path, or an
   * ancestor followed by {@code /} (so {@code dev} covers {@code dev/api} but not {@code
   * developers}).
   */
  static boolean matches(String groupPath, List<String> rolePaths) {
    for (String rolePath : rolePaths) {
      if (groupPath.equals(rolePath)
          || (groupPath.length() > rolePath.length()
              && groupPath.startsWith(rolePath)
              && groupPath.charAt(rolePath.length()) == '/')) {
        return true;
      }
    }
    return false;
  }

  /**
   * The role name of a GitLab access level (GitLab API: "Roles and access levels"; Dex:
   * accessLevelPermission); empty for a level GitLab does not define.
   */
  static Optional<String> role(long accessLevel) {
    return Optional.ofNullable(ROLES.get(accessLevel));
  }

  /**
   * The groups of {@code given} that are in {@code allowed}, in {@code given}'s order, duplicates
   * kept (Dex: pkg/groups Filter).
   */
  static List<String> filter(List<String> given, List<String> allowed) {
    Set<String> allowedSet = new HashSet<>(allowed);
    return given.stream().filter(allowedSet::contains).toList();
  }
}
