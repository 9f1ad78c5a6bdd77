package dev.ferry.connector.gitlab;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code config} of a Dex connector of type {@code gitlab}, key for key (Dex: connector/gitlab
 * Config). {@code clientId}, {@code clientSecret} and {@code redirectUri} serve only the browser
 * flow; they are kept so that a Dex config round trips. Absent strings are {@code ""} and absent
 * lists empty, as Go's zero values are.
 *
 * @param baseUrl the GitLab instance, {@code https://gitlab.com} when unset
 * @param groups when non-empty, a user must be in one of these groups and only these are kept
 * @param useLoginAsId the GitLab username, not the numeric id, becomes the user id
 * @param getGroupsPermission adds {@code group:role} entries (e.g. {@code ops:owner}) to groups
 * @param inheritedGroups groups come from {@code /api/v4/groups} (inherited memberships too)
 *     instead of {@code /oauth/userinfo}
 * @param rootCaData base64 of a PEM bundle (Go encodes {@code []byte} as base64 in JSON) trusted in
 *     addition to the system roots
 */
public record GitlabConfig(
    @JsonProperty("baseURL") String baseUrl,
    @JsonProperty("clientID") String clientId,
    @JsonProperty("clientSecret") String clientSecret,
    @JsonProperty("redirectURI") String redirectUri,
    @JsonProperty("groups") List<String> groups,
    @JsonProperty("useLoginAsID") boolean useLoginAsId,
    @JsonProperty("getGroupsPermission") boolean getGroupsPermission,
    @JsonProperty("inheritedGroups") boolean inheritedGroups,
    @JsonProperty("rootCAData") String rootCaData) {

  /** Dex: gitlab Config.Open uses gitlab.com when {@code baseURL} is empty. */
  public static final String DEFAULT_BASE_URL = "https://gitlab.com";

  public GitlabConfig(
      @Nullable String baseUrl,
      @Nullable String clientId,
      @Nullable String clientSecret,
      @Nullable String redirectUri,
      @Nullable List<@Nullable String> groups,
      boolean useLoginAsId,
      boolean getGroupsPermission,
      boolean inheritedGroups,
      @Nullable String rootCaData) {
    this.baseUrl = baseUrl == null || baseUrl.isEmpty() ? DEFAULT_BASE_URL : baseUrl;
    this.clientId = Objects.requireNonNullElse(clientId, "");
    this.clientSecret = Objects.requireNonNullElse(clientSecret, "");
    this.redirectUri = Objects.requireNonNullElse(redirectUri, "");
    this.groups = goStrings(groups);
    this.useLoginAsId = useLoginAsId;
    this.getGroupsPermission = getGroupsPermission;
    this.inheritedGroups = inheritedGroups;
    this.rootCaData = Objects.requireNonNullElse(rootCaData, "");
  }

  /**
   * Names the upstream and the switches; never shows {@code clientSecret}, which may reach a log.
   */
  @Override
  public String toString() {
    return "GitlabConfig[baseURL="
        + baseUrl
        + ", clientID="
        + clientId
        + ", clientSecret="
        + (clientSecret.isEmpty() ? "" : "(redacted)")
        + ", groups="
        + groups
        + ", useLoginAsID="
        + useLoginAsId
        + ", getGroupsPermission="
        + getGroupsPermission
        + ", inheritedGroups="
        + inheritedGroups
        + ", rootCAData="
        + (rootCaData.isEmpty() ? "" : "(set)")
        + "]";
  }

  /** A JSON {@code null} inside a Go {@code []string} decodes to {@code ""}. */
  private static List<String> goStrings(@Nullable List<@Nullable String> values) {
    if (values == null) {
      return List.of();
    }
    List<String> copy = new ArrayList<>(values.size());
    for (String value : values) {
      copy.add(value == null ? "" : value);
    }
    return Collections.unmodifiableList(copy);
  }
}
