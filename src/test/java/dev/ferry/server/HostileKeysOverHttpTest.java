package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.storage.Client;
import dev.ferry.storage.sql.Dialect;
import dev.ferry.storage.sql.TestDatabase;
import dev.ferry.testing.UpstreamIssuer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code client_id} (or {@code connector_id}) the database cannot hold, such as one with a NUL
 * byte, is an unknown client: {@code 401 invalid_client} as Dex answers for any unknown client
 * (Dex: server/handlers.go withClientFromStorage), not the {@code 500 server_error} PostgreSQL's
 * refusal of NUL in text used to cause. Through real HTTP on a database-backed Ferry.
 */
class HostileKeysOverHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "urn:ietf:params:oauth:token-type:id_token";

  @RegisterExtension
  static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.POSTGRES);

  @TempDir Path dir;
  private @Nullable UpstreamIssuer upstream;
  private @Nullable RunningFerry ferry;

  @AfterEach
  void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void nulInClientIdIsInvalidClientOnPostgres() throws Exception {
    TestDatabase db = DB.get();
    UpstreamIssuer issuer = UpstreamIssuer.builder().userInfo(false).start();
    upstream = issuer;
    assertHostileKeysAreUnknown(
        start(ReplicasOnOneDatabaseTest.replicaConfig(db, issuer.issuer())), issuer);
  }

  @Test
  void nulInClientIdIsInvalidClientOnSqlite() throws Exception {
    UpstreamIssuer issuer = UpstreamIssuer.builder().userInfo(false).start();
    upstream = issuer;
    assertHostileKeysAreUnknown(
        start(sqliteConfig(dir.resolve("ferry.db"), issuer.issuer())), issuer);
  }

  private static String sqliteConfig(Path file, String upstreamIssuer) {
    return """
    issuer: ${ISSUER}
    storage:
      type: sqlite3
      config:
        file: %s
    web:
      http: ${WEB}
    connectors:
    - type: oidc
      id: ci
      name: CI
      config:
        issuer: %s
        scopes: [openid]
        userNameKey: sub
    """
        .formatted(file, upstreamIssuer);
  }

  private RunningFerry start(String yaml) throws Exception {
    RunningFerry started = RunningFerry.start(dir, yaml, Clock.systemUTC());
    ferry = started;
    // A client that lives only in the database, so that the lookup reaches it.
    started.server.storage().clients().create(Client.of("dynamic", "dyn-secret", "Dynamic"));
    return started;
  }

  private static void assertHostileKeysAreUnknown(RunningFerry ferry, UpstreamIssuer upstream)
      throws Exception {
    String token = upstream.token().subject("repo:acme/app").build();
    Map<String, String> valid = RunningFerry.guideForm("ci", token, ID);
    assertThat(ferry.postForm("/token", valid, "dynamic:dyn-secret").statusCode()).isEqualTo(200);

    // In the form body.
    Map<String, String> form = RunningFerry.guideForm("ci", token, ID);
    form.put("client_id", "dyn\u0000amic");
    form.put("client_secret", "dyn-secret");
    assertInvalidClient(ferry.postForm("/token", form, ""));
    form.put("client_id", "\u0000");
    assertInvalidClient(ferry.postForm("/token", form, ""));

    // In Basic credentials, which are URL-decoded (Dex: server/handlers.go, url.QueryUnescape).
    assertInvalidClient(ferry.postForm("/token", valid, "dynamic%00:dyn-secret"));

    // A connector id the database cannot hold is answered like any unknown connector.
    HttpResponse<String> unknown =
        ferry.postForm("/token", RunningFerry.guideForm("nope", token, ID), "dynamic:dyn-secret");
    HttpResponse<String> hostile =
        ferry.postForm(
            "/token", RunningFerry.guideForm("no\u0000pe", token, ID), "dynamic:dyn-secret");
    assertThat(hostile.statusCode()).as(hostile.body()).isEqualTo(unknown.statusCode());
    assertThat(error(hostile)).isEqualTo(error(unknown));
  }

  private static void assertInvalidClient(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(error(response)).isEqualTo("invalid_client");
  }

  private static String error(HttpResponse<String> response) throws Exception {
    JsonNode body = JSON.readTree(response.body());
    return body.path("error").asText();
  }
}
