package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertError;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertSuccess;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.claims;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.form;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.sql.SqlSettings;
import dev.ferry.storage.sql.SqlStorage;
import dev.ferry.token.SubjectCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh token Dex wrote keeps working when Ferry opens Dex's SQLite database: the {@code
 * refresh_token} and {@code offline_session} rows are written with JDBC exactly as Dex's SQL
 * storage writes them (Dex: storage/sql/crud.go CreateRefresh, CreateOfflineSessions; go-sqlite3's
 * time text, Go's JSON for slices and the references), the client presents the value Dex handed out
 * ({@code internal.Marshal(&RefreshToken{RefreshId: "rt-1", Token: "tok"})}), and the rows Ferry
 * leaves behind are again in Dex's format.
 */
class DexRefreshTokenSqliteTest {
  /** Dex's value for refresh id {@code rt-1} and secret {@code tok}, computed independently. */
  private static final String DEX_VALUE = "CgRydC0xEgN0b2s";

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("dex.db");
  }

  private void writeDexRows() throws SQLException {
    try (Connection c = DriverManager.getConnection(url())) {
      try (PreparedStatement st =
          c.prepareStatement(
              "insert into refresh_token (id, client_id, scopes, nonce, claims_user_id,"
                  + " claims_username, claims_preferred_username, claims_email,"
                  + " claims_email_verified, claims_groups, connector_id, connector_data, token,"
                  + " obsolete_token, created_at, last_used) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                  + " ?, ?, ?, ?, ?, ?)")) {
        st.setString(1, "rt-1");
        st.setString(2, "example-app");
        st.setBytes(3, bytes("[\"openid\",\"email\",\"groups\",\"offline_access\"]"));
        st.setString(4, "n-1");
        st.setString(5, "user-1");
        st.setString(6, "Jane");
        st.setString(7, "");
        st.setString(8, "jane@example.com");
        st.setBoolean(9, true);
        st.setBytes(10, bytes("[\"admins\"]"));
        st.setString(11, "local");
        st.setNull(12, java.sql.Types.BLOB);
        st.setString(13, "tok");
        st.setString(14, "");
        st.setString(15, "2026-03-04 05:06:07.891+00:00");
        st.setString(16, "2026-03-04 05:07:07.891+00:00");
        st.executeUpdate();
      }
      try (PreparedStatement st =
          c.prepareStatement(
              "insert into offline_session (user_id, conn_id, refresh, connector_data) values (?,"
                  + " ?, ?, ?)")) {
        st.setString(1, "user-1");
        st.setString(2, "local");
        st.setBytes(
            3,
            bytes(
                "{\"example-app\":{\"ID\":\"rt-1\",\"ClientID\":\"example-app\","
                    + "\"CreatedAt\":\"2026-03-04T05:06:07.891Z\","
                    + "\"LastUsed\":\"2026-03-04T05:07:07.891Z\",\"SessionID\":\"\"}}"));
        st.setBytes(4, bytes("{\"upstream\":\"kept\"}"));
        st.executeUpdate();
      }
    }
  }

  private Map<String, Object> row(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url());
        PreparedStatement st = c.prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      assertThat(rs.next()).isTrue();
      Map<String, Object> out = new HashMap<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        Object value = rs.getObject(i);
        out.put(
            rs.getMetaData().getColumnName(i),
            value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value);
      }
      assertThat(rs.next()).isFalse();
      return out;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDexRefreshTokenRefreshesThroughFerryAndStaysInDexsFormat() throws Exception {
    SqlStorage storage =
        SqlStorage.open(
            SqlSettings.sqlite(
                dir.resolve("dex.db").toString(), SqlSettings.DEFAULT_SQLITE_BUSY_TIMEOUT));
    try (PersonGrantServer ferry =
        new PersonGrantServer(
            WebFixture.builder()
                .storage(storage)
                .setup(s -> {
                  s.clients().create(Client.of("example-app", "app-secret", "Example App"));
                  s.connectors()
                      .create(
                          new Connector(
                              "local",
                              "mockPassword",
                              "Email",
                              "1",
                              "{\"username\": \"u\", \"password\": \"p\"}",
                              List.of()));
                  try {
                    writeDexRows();
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                })
                .build(),
            storage)) {
      HttpResponse<String> response =
          ferry.tokenAs(
              "example-app",
              "app-secret",
              form("grant_type", "refresh_token", "refresh_token", DEX_VALUE));

      assertSuccess(response);
      JsonNode body = json(response);
      JsonNode id = claims(body.path("id_token").asText());
      assertThat(id.path("sub").asText()).isEqualTo(SubjectCodec.encode("user-1", "local"));
      assertThat(id.path("nonce").asText()).isEqualTo("n-1");
      assertThat(id.path("email").asText()).isEqualTo("jane@example.com");
      assertThat(id.path("groups").get(0).asText()).isEqualTo("admins");

      Map<String, Object> token = row("select * from refresh_token");
      assertThat(token.get("id")).isEqualTo("rt-1");
      assertThat(token.get("obsolete_token")).isEqualTo("tok");
      assertThat((String) token.get("token")).hasSize(25).isNotEqualTo("tok");
      assertThat(token.get("created_at")).isEqualTo("2026-03-04 05:06:07.891+00:00");
      // go-sqlite3's layout, in UTC, as Dex would have written the new last use.
      assertThat((String) token.get("last_used")).matches("2026-03-04 05:06:07\\.\\d{1,9}\\+00:00");
      assertThat(token.get("scopes"))
          .isEqualTo("[\"openid\",\"email\",\"groups\",\"offline_access\"]");
      assertThat(token.get("claims_groups")).isEqualTo("[\"admins\"]");
      assertThat(token.get("claims_user_id")).isEqualTo("user-1");

      Map<String, Object> session = row("select * from offline_session");
      JsonNode refs = JSON.readTree((String) session.get("refresh"));
      assertThat(refs.path("example-app").path("ID").asText()).isEqualTo("rt-1");
      assertThat(refs.path("example-app").path("LastUsed").asText())
          .matches("2026-03-04T05:06:07\\.\\d{1,9}Z");
      // mockPassword refreshes with no connector data of its own: the session keeps Dex's.
      assertThat(session.get("connector_data")).isEqualTo("{\"upstream\":\"kept\"}");

      // Dex's value is now the previous secret: refused, as Dex refuses it.
      assertError(
          ferry.tokenAs(
              "example-app",
              "app-secret",
              form("grant_type", "refresh_token", "refresh_token", DEX_VALUE)),
          400,
          "invalid_request",
          "Refresh token is invalid or has already been claimed by another client.");
      assertSuccess(
          ferry.tokenAs(
              "example-app",
              "app-secret",
              form(
                  "grant_type",
                  "refresh_token",
                  "refresh_token",
                  body.path("refresh_token").asText())));
    }
  }
}
