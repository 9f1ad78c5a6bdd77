package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password and refresh grants through a whole Ferry started from a Dex config: {@code
 * oauth2.passwordConnector} and {@code expiry.refreshTokens} reach the grants, and refresh tokens
 * live in the SQLite database, so they survive a restart.
 */
class PersonGrantsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private String yaml() {
    return """
    issuer: ${ISSUER}
    storage:
      type: sqlite3
      config:
        file: %s
    web:
      http: ${WEB}
    expiry:
      refreshTokens:
        reuseInterval: 30s
        validIfNotUsedFor: 1h
    oauth2:
      passwordConnector: people
    connectors:
    - type: mockPassword
      id: people
      name: People
      config:
        username: kilgore
        password: trout
    staticClients:
    - id: cli
      name: CLI
      secret: cli-secret
      redirectURIs: [http://127.0.0.1:8000/callback]
    """
        .formatted(dir.resolve("dex.db"));
  }

  private static Map<String, String> form(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private static HttpResponse<String> refresh(RunningFerry ferry, String token) throws Exception {
    return ferry.postForm(
        "/token", form("grant_type", "refresh_token", "refresh_token", token), "cli:cli-secret");
  }

  private static String refreshToken(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("refresh_token").asText();
  }

  @Test
  void passwordLoginThenRefreshesUnderTheConfiguredPolicyAcrossARestart() throws Exception {
    MutableClock clock = MutableClock.atFixedStart();
    int port = RunningFerry.freePort();
    String issuer = "http://127.0.0.1:" + port + "/dex";
    String first;
    String second;
    try (RunningFerry ferry = RunningFerry.start(dir, yaml(), clock, issuer, port)) {
      HttpResponse<String> login =
          ferry.postForm(
              "/token",
              form(
                  "grant_type",
                  "password",
                  "scope",
                  "openid offline_access email",
                  "username",
                  "kilgore",
                  "password",
                  "trout"),
              "cli:cli-secret");
      first = refreshToken(login);
      JsonNode body = JSON.readTree(login.body());
      assertThat(body.path("id_token").asText()).isNotEmpty();

      HttpResponse<String> wrong =
          ferry.postForm(
              "/token",
              form(
                  "grant_type",
                  "password",
                  "scope",
                  "openid",
                  "username",
                  "kilgore",
                  "password",
                  "wrong"),
              "cli:cli-secret");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body())
          .isEqualTo(
              "{\"error\":\"access_denied\",\"error_description\":\"Invalid username or"
                  + " password\"}");

      clock.advance(Duration.ofSeconds(31));
      second = refreshToken(refresh(ferry, first));
      assertThat(second).isNotEqualTo(first);
      // reuseInterval: the replaced value gets the same new one back.
      clock.advance(Duration.ofSeconds(10));
      assertThat(refreshToken(refresh(ferry, first))).isEqualTo(second);
    }

    try (RunningFerry restarted = RunningFerry.start(dir, yaml(), clock, issuer, port)) {
      clock.advance(Duration.ofSeconds(21));
      HttpResponse<String> replay = refresh(restarted, first);
      assertThat(replay.statusCode()).isEqualTo(400);
      assertThat(replay.body())
          .isEqualTo(
              "{\"error\":\"invalid_request\",\"error_description\":\"Refresh token is invalid or"
                  + " has already been claimed by another client.\"}");
      String third = refreshToken(refresh(restarted, second));
      assertThat(third).isNotEqualTo(second);

      clock.advance(Duration.ofHours(2));
      HttpResponse<String> idle = refresh(restarted, third);
      assertThat(idle.body())
          .isEqualTo(
              "{\"error\":\"invalid_request\",\"error_description\":\"Refresh token"
                  + " expired.\"}");
    }
  }
}
