package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login flow as {@code ferry serve} wires it from Dex's YAML: {@code /auth} through a {@code
 * mockCallback} connector to the client's code, with {@code oauth2.skipApprovalScreen}, and the
 * approval page without it. The pages are the server's; only statuses and redirects are checked.
 */
class BrowserLoginWiringTest {

  private static final String YAML =
      """
      issuer: ${ISSUER}
      storage:
        type: memory
      web:
        http: ${WEB}
      oauth2:
        skipApprovalScreen: %s
      connectors:
      - type: mockCallback
        id: mock
        name: Mock
      staticClients:
      - id: web
        name: Web App
        secret: s3cret
        redirectURIs: ["https://client.example/cb"]
      """;

  private static final String AUTH =
      "/auth?client_id=web&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&response_type=code"
          + "&scope=openid&state=st";

  @Test
  void aLoginThroughTheConfiguredConnectorEndsWithACode(@TempDir Path dir) throws Exception {
    try (RunningFerry ferry = RunningFerry.start(dir, YAML.formatted("true"), Clock.systemUTC())) {
      HttpResponse<String> r = ferry.get(AUTH);
      for (int i = 0; i < 5 && r.statusCode() / 100 == 3; i++) {
        String location = r.headers().firstValue("Location").orElseThrow();
        if (location.startsWith("https://client.example/")) {
          break;
        }
        r = ferry.get(location.startsWith("/") ? "http://" + host(ferry) + location : location);
      }
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(r.headers().firstValue("Location").orElseThrow())
          .startsWith("https://client.example/cb?code=")
          .endsWith("&state=st");
    }
  }

  @Test
  void withoutSkipApprovalTheServerShowsTheApprovalPage(@TempDir Path dir) throws Exception {
    try (RunningFerry ferry = RunningFerry.start(dir, YAML.formatted("false"), Clock.systemUTC())) {
      HttpResponse<String> r = ferry.get(AUTH);
      for (int i = 0; i < 5 && r.statusCode() / 100 == 3; i++) {
        String location = r.headers().firstValue("Location").orElseThrow();
        r = ferry.get(location.startsWith("/") ? "http://" + host(ferry) + location : location);
      }
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
      assertThat(r.body()).contains("name=\"hmac\"").contains("Web App");
    }
  }

  private static String host(RunningFerry ferry) {
    return URI.create(ferry.base).getRawAuthority();
  }
}
