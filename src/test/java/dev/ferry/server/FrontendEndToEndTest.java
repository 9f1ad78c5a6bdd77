package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code frontend} section of a whole Ferry: assets at Dex's paths, frontend.dir, checks. */
class FrontendEndToEndTest {
  @TempDir Path dir;

  private static String config(String frontend) {
    return """
    issuer: ${ISSUER}
    storage: {type: memory}
    web:
      http: ${WEB}
      headers: {X-Frame-Options: SAMEORIGIN}
    staticClients: [{id: app, secret: s, name: App, redirectURIs: ['http://127.0.0.1/cb']}]
    connectors: [{type: mockCallback, id: mock, name: Mock}]
    """
        + frontend;
  }

  @Test
  void servesTheConfiguredThemeAndTheDirectorysFiles() throws Exception {
    Path web = dir.resolve("web");
    Files.createDirectories(web.resolve("static/img"));
    Files.writeString(web.resolve("static/img/acme.svg"), "<svg/>", StandardCharsets.UTF_8);
    Files.writeString(web.resolve("robots.txt"), "User-agent: *\n", StandardCharsets.UTF_8);

    try (RunningFerry ferry =
        RunningFerry.start(
            dir, config("frontend: {theme: dark, dir: '" + web + "'}\n"), Clock.systemUTC())) {
      HttpResponse<String> styles = ferry.get("/theme/styles.css");
      HttpResponse<String> main = ferry.get("/static/main.css");
      HttpResponse<String> logo = ferry.get("/static/img/acme.svg");
      HttpResponse<String> robots = ferry.get("/robots.txt");

      assertThat(styles.statusCode()).isEqualTo(200);
      assertThat(styles.body()).contains("color-scheme: dark");
      assertThat(styles.headers().firstValue("X-Frame-Options")).contains("SAMEORIGIN");
      assertThat(main.statusCode()).isEqualTo(200);
      assertThat(main.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
      assertThat(logo.body()).isEqualTo("<svg/>");
      assertThat(logo.headers().firstValue("Content-Type")).contains("image/svg+xml");
      assertThat(robots.body()).isEqualTo("User-agent: *\n");
      assertThat(ferry.get("/theme/logo.png").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aDexWebDirectoryStopsTheStartAndConfigCheckSaysWhy() throws Exception {
    Path web = dir.resolve("dex-web");
    Files.createDirectories(web.resolve("templates"));
    Files.writeString(web.resolve("templates/password.html"), "{{ .PostURL }}");
    Path file = dir.resolve("config.yaml");
    Files.writeString(
        file,
        config("frontend: {dir: '" + web + "'}\n")
            .replace("${ISSUER}", "http://127.0.0.1:" + RunningFerry.freePort() + "/dex")
            .replace("${WEB}", "127.0.0.1:" + RunningFerry.freePort()));
    FerryConfig config = new ConfigLoader(Map.of()).load(file);

    assertThat(ConfigChecks.deepProblems(config))
        .anySatisfy(p ->
            assertThat(p)
                .startsWith("frontend.dir: templates/password.html is a Dex (Go html/template)"));
    assertThatThrownBy(() -> FerryServer.start(config, Clock.systemUTC(), new SecureRandom()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining(
            "loading the frontend: frontend.dir: templates/password.html is a Dex (Go"
                + " html/template) template");
  }

  @Test
  void anUnknownThemeIsAConfigProblem() throws Exception {
    Path file = dir.resolve("theme.yaml");
    Files.writeString(
        file,
        config("frontend: {theme: solarized}\n")
            .replace("${ISSUER}", "http://127.0.0.1:5556/dex")
            .replace("${WEB}", "127.0.0.1:5556"));

    assertThat(ConfigChecks.deepProblems(new ConfigLoader(Map.of()).load(file)))
        .contains(
            "frontend.theme: no theme \"solarized\": the built-in themes are light, dark (others"
                + " come from frontend.dir/themes/<theme>/)");
  }
}
