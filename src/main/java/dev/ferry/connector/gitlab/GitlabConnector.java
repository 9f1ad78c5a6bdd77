package dev.ferry.connector.gitlab;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.upstream.SubjectClaims;
import dev.ferry.connector.upstream.TokenFingerprint;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttp;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opened {@code gitlab} connector: turns a GitLab OAuth or personal access token into an {@link
 * Identity} for RFC 8693 token exchange (Dex: connector/gitlab/gitlab.go
 * gitlabConnector.TokenIdentity).
 *
 * <p>The token is not read locally, and {@code subject_token_type} is ignored: GitLab verifies the
 * token by answering {@code GET /api/v4/user} with 200. Groups are always resolved, as Dex's token
 * exchange asks for them whatever the requested scopes: from {@code /oauth/userinfo}, or with
 * {@code inheritedGroups} from {@code /api/v4/groups} (plus a membership lookup per group for its
 * role when userinfo does not give one). With {@code groups} configured, only those groups are kept
 * and a user in none of them is refused.
 *
 * <p>Every failure is an {@link IdentityException} whose message is for the log; the token is never
 * logged, only a SHA-256 prefix. Each request is bounded by the HTTP settings and takes a slot of
 * the connector's {@link UpstreamBulkhead}, and no new request starts once the calls for one token
 * have taken {@code budget}. The result's claims are the {@code /api/v4/user} answer.
 */
public final class GitlabConnector implements TokenIdentityConnector {

  private static final Logger LOG = LoggerFactory.getLogger(GitlabConnector.class);

  private final String id;
  private final GitlabConfig config;
  private final GitlabApi api;
  private final UpstreamHttp http;
  private final Clock clock;
  private final Duration budget;
  private final int maxTokenBytes;

  GitlabConnector(
      String id,
      GitlabConfig config,
      UpstreamHttp http,
      UpstreamBulkhead bulkhead,
      Clock clock,
      Duration budget,
      int maxTokenBytes) {
    this.id = id;
    this.config = config;
    this.api = new GitlabApi(withoutTrailingSlash(config.baseUrl()), http, bulkhead, clock);
    this.http = http;
    this.clock = clock;
    this.budget = budget;
    this.maxTokenBytes = maxTokenBytes;
  }

  @Override
  public VerifiedSubject tokenIdentity(String subjectTokenType, String subjectToken)
      throws IdentityException {
    try {
      return identity(subjectTokenType, subjectToken);
    } catch (IdentityException e) {
      LOG.debug(
          "gitlab token rejected: connector_id={} token_sha256={} reason={}",
          id,
          TokenFingerprint.of(subjectToken),
          e.getMessage());
      throw e;
    }
  }

  private VerifiedSubject identity(String type, String token) throws IdentityException {
    checkToken(token);
    GitlabApi.Call call = new GitlabApi.Call(token, clock.instant().plus(budget));
    GitlabApi.User user;
    try {
      user = api.user(call);
    } catch (IOException e) {
      throw new IdentityException("gitlab: get user: " + e.getMessage(), e);
    }
    // Dex: Username falls back to the email when the GitLab profile has no name.
    String username = user.name().isEmpty() ? user.email() : user.name();
    String userId = config.useLoginAsId() ? user.username() : Long.toString(user.id());
    if (userId.isEmpty()) {
      // Dex would issue a token for an empty user id; no one should be that user.
      throw new IdentityException("gitlab: get user: useLoginAsID is set but username is empty");
    }
    List<String> groups;
    try {
      groups = groups(call, user);
    } catch (IOException e) {
      throw new IdentityException("gitlab: get groups: " + e.getMessage(), e);
    }
    Identity identity =
        new Identity(userId, username, user.username(), user.email(), true, groups, new byte[0]);
    // An access token GitLab vouched for: opaque here, so only its type and issuer are known.
    return new VerifiedSubject(
        SubjectToken.opaque(type, config.baseUrl()), SubjectClaims.toMap(user.claims()), identity);
  }

  /** Dex: getGroups with the groups scope set, which is what TokenIdentity passes. */
  private List<String> groups(GitlabApi.Call call, GitlabApi.User user)
      throws IOException, IdentityException {
    List<String> groups = config.inheritedGroups() ? inherited(call, user) : direct(call);
    if (config.groups().isEmpty()) {
      return groups;
    }
    List<String> allowed = GitlabGroups.filter(groups, config.groups());
    if (allowed.isEmpty()) {
      throw new IdentityException(
          "gitlab: get groups: gitlab: user "
              + quoted(user.username())
              + " is not in any of the required groups");
    }
    return allowed;
  }

  private List<String> direct(GitlabApi.Call call) throws IOException {
    GitlabApi.UserInfo info = api.userInfo(call);
    return config.getGroupsPermission() ? GitlabGroups.withUserInfoRoles(info) : info.groups();
  }

  /**
   * Dex: userGroups with inheritedGroups. The group names come from the groups API; with
   * getGroupsPermission a group's role comes from the userinfo role claims when they cover it, else
   * from the user's effective membership in that group.
   */
  private List<String> inherited(GitlabApi.Call call, GitlabApi.User user) throws IOException {
    List<GitlabApi.Group> apiGroups = api.groups(call);
    List<String> groups = new ArrayList<>();
    for (GitlabApi.Group group : apiGroups) {
      if (!group.name().isEmpty()) {
        groups.add(group.name());
      }
    }
    if (!config.getGroupsPermission()) {
      return groups;
    }
    GitlabApi.UserInfo info = api.userInfo(call);
    for (GitlabApi.Group group : apiGroups) {
      String name = group.name();
      if (name.isEmpty()) {
        continue;
      }
      Optional<String> role = GitlabGroups.userInfoRole(name, info);
      if (role.isEmpty()) {
        if (group.id() == 0) {
          throw new IOException(
              "gitlab: group id is required to fetch effective group permissions");
        }
        role = api.accessLevel(call, group.id(), user.id()).flatMap(GitlabGroups::role);
      }
      role.ifPresent(r -> groups.add(name + ":" + r));
    }
    return groups;
  }

  /**
   * Refuses, before anything is sent, a token that could not be a bearer token: too long, or with
   * characters an HTTP header cannot carry (a CR or LF would split the request).
   */
  private void checkToken(String token) throws IdentityException {
    if (token.isEmpty()) {
      throw new IdentityException("gitlab: subject token is empty");
    }
    if (token.length() > maxTokenBytes) {
      throw new IdentityException(
          "gitlab: subject token is longer than " + maxTokenBytes + " characters");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IdentityException(
            "gitlab: subject token has a character not allowed in a bearer token");
      }
    }
  }

  /** Go's {@code %q} for the plain user names GitLab allows; quotes and backslashes escaped. */
  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String withoutTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The connector ID this instance was opened with. */
  public String id() {
    return id;
  }

  @Override
  public void close() {
    http.close();
  }
}
