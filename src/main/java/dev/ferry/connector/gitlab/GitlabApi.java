package dev.ferry.connector.gitlab;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.connector.upstream.UpstreamJson;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The four GitLab REST calls the connector makes with a user's token (Dex: connector/gitlab), each
 * read as Dex's Go structs are ({@link GoFields}). Every failure is an {@link IOException} whose
 * message names the request but never the token, and never quotes an error body: some upstreams
 * echo the presented token in it.
 */
final class GitlabApi {

  /**
   * Dex asks for 100 groups a page. A GitLab group object is one to two KiB, so 50 keeps a full
   * page well inside the response size cap; the groups found are the same.
   */
  static final int GROUPS_PER_PAGE = 50;

  /** 5,000 groups: more pages than this is a misbehaving upstream, not a user. */
  static final int MAX_GROUP_PAGES = 100;

  /**
   * {@code GET /api/v4/user}: the fields Dex's gitlabUser uses, and the whole answer as the
   * upstream claims a policy may read.
   */
  record User(long id, String name, String username, String email, ObjectNode claims) {}

  /** {@code GET /oauth/userinfo}: {@code groups} and the role claims GitLab adds beside it. */
  record UserInfo(
      List<String> groups, List<String> owner, List<String> maintainer, List<String> developer) {}

  /** One entry of {@code GET /api/v4/groups}. */
  record Group(long id, String fullPath, String path) {

    /** Dex: groupName, the full path, or the path when GitLab sent none. */
    String name() {
      return fullPath.isEmpty() ? path : fullPath;
    }
  }

  /** The calls made for one subject token: its bearer, and when to stop starting new calls. */
  record Call(String token, Instant deadline) {}

  static final String OWNER_CLAIM = "https://gitlab.org/claims/groups/owner";
  static final String MAINTAINER_CLAIM = "https://gitlab.org/claims/groups/maintainer";
  static final String DEVELOPER_CLAIM = "https://gitlab.org/claims/groups/developer";

  private final String baseUrl;
  private final UpstreamHttp http;
  private final UpstreamBulkhead bulkhead;
  private final Clock clock;

  /**
   * @param baseUrl the GitLab instance, without a trailing slash
   */
  GitlabApi(String baseUrl, UpstreamHttp http, UpstreamBulkhead bulkhead, Clock clock) {
    this.baseUrl = baseUrl;
    this.http = http;
    this.bulkhead = bulkhead;
    this.clock = clock;
  }

  User user(Call call) throws IOException {
    return decode(
        get(call, "/api/v4/user"),
        text -> {
          ObjectNode user = UpstreamJson.object(text);
          if (!GoFields.present(user, "id")) {
            // Go would read 0; a user id shared by every such answer is worse than an error.
            throw new IOException("field \"id\" is missing");
          }
          return new User(
              GoFields.integer(user, "id"),
              GoFields.string(user, "name"),
              GoFields.string(user, "username"),
              GoFields.string(user, "email"),
              user);
        });
  }

  UserInfo userInfo(Call call) throws IOException {
    return decode(
        get(call, "/oauth/userinfo"),
        text -> {
          ObjectNode info = UpstreamJson.object(text);
          return new UserInfo(
              GoFields.strings(info, "groups"),
              GoFields.strings(info, OWNER_CLAIM),
              GoFields.strings(info, MAINTAINER_CLAIM),
              GoFields.strings(info, DEVELOPER_CLAIM));
        });
  }

  /**
   * Every group the token's user belongs to, inherited memberships included, page by page until a
   * short page (Dex: apiUserGroups).
   */
  List<Group> groups(Call call) throws IOException {
    List<Group> groups = new ArrayList<>();
    for (int page = 1; page <= MAX_GROUP_PAGES; page++) {
      String path =
          "/api/v4/groups?all_available=false&page=" + page + "&per_page=" + GROUPS_PER_PAGE;
      List<Group> entries = decode(get(call, path), GitlabApi::groupPage);
      groups.addAll(entries);
      if (entries.size() < GROUPS_PER_PAGE) {
        return groups;
      }
    }
    throw new IOException(
        "more than " + MAX_GROUP_PAGES * GROUPS_PER_PAGE + " groups from /api/v4/groups");
  }

  /**
   * The user's effective {@code access_level} in a group, inherited ones included; empty when
   * GitLab answers 403 or 404 (Dex skips such a group's role).
   */
  Optional<Long> accessLevel(Call call, long groupId, long userId) throws IOException {
    String path = "/api/v4/groups/" + groupId + "/members/all/" + userId;
    UpstreamHttp.Response response = send(call, path);
    if (response.status() == 403 || response.status() == 404) {
      return Optional.empty();
    }
    return Optional.of(
        decode(
            ok(path, response),
            text -> GoFields.integer(UpstreamJson.object(text), "access_level")));
  }

  private static List<Group> groupPage(String text) throws IOException {
    ArrayNode entries = UpstreamJson.array(text);
    List<Group> groups = new ArrayList<>(entries.size());
    for (JsonNode entry : entries) {
      if (entry.isNull()) {
        groups.add(new Group(0, "", "")); // Go: a null element is the zero struct
      } else if (entry instanceof ObjectNode object) {
        groups.add(
            new Group(
                GoFields.integer(object, "id"),
                GoFields.string(object, "full_path"),
                GoFields.string(object, "path")));
      } else {
        throw new IOException("expected an array of group objects");
      }
    }
    return groups;
  }

  /** How one answer body becomes a value; an IOException says why it cannot. */
  private interface Decoder<T> {
    T decode(String text) throws IOException;
  }

  /**
   * Runs {@code decoder}, prefixing its failure as Dex does. A JSON syntax error is reported by
   * position only: the parser's own message quotes the body, which may hold a token.
   */
  private static <T> T decode(String text, Decoder<T> decoder) throws IOException {
    try {
      return decoder.decode(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      // No cause attached either, so that no stack trace carries the parser's message.
      throw new IOException("failed to decode response: not valid JSON" + where);
    } catch (IOException e) {
      throw new IOException("failed to decode response: " + e.getMessage(), e);
    }
  }

  private String get(Call call, String path) throws IOException {
    return ok(path, send(call, path));
  }

  private UpstreamHttp.Response send(Call call, String path) throws IOException {
    if (clock.instant().isAfter(call.deadline())) {
      throw new IOException(
          "gave up before GET " + path + ": the GitLab calls for this token took too long");
    }
    URI uri = URI.create(baseUrl + path);
    try {
      return bulkhead.call(() -> http.get(uri, call.token()));
    } catch (IdentityException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private String ok(String path, UpstreamHttp.Response response) throws IOException {
    if (response.status() != 200) {
      throw new IOException("GET " + baseUrl + path + " answered HTTP " + response.status());
    }
    return response.text();
  }
}
