package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pages' files at Dex's paths, through a real listener. */
class WebAssetsTest {
  private static PageServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    server =
        new PageServer(
            TemplatePages.load(FrontendSettings.defaults("/dex")),
            "/dex/oob",
            Map.of("Strict-Transport-Security", "max-age=60"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @CsvSource({
    "/static/main.css, text/css; charset=utf-8, box-sizing",
    "/theme/styles.css, text/css; charset=utf-8, color-scheme: light",
    "/theme/logo.svg, image/svg+xml, <svg",
    "/theme/favicon.svg, image/svg+xml, <svg",
    "/static/main%2Ecss, text/css; charset=utf-8, box-sizing"
  })
  void servesEachFileWithItsContentTypeAndCaching(String path, String type, String content)
      throws Exception {
    HttpResponse<String> response = get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains(type);
    assertThat(response.body()).contains(content);
    assertThat(response.headers().firstValue("Cache-Control")).contains("public, max-age=3600");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .contains("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    assertThat(response.headers().firstValue("ETag"))
        .hasValueSatisfying(e -> assertThat(e).matches("\"[0-9a-f]{32}\""));
    // web.headers apply on every route of the web listener.
    assertThat(response.headers().firstValue("Strict-Transport-Security")).contains("max-age=60");
  }

  @Test
  void aMatchingIfNoneMatchIsNotModified() throws Exception {
    String etag = get("/static/main.css").headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again = get("/static/main.css", "If-None-Match", "\"other\", " + etag);
    HttpResponse<String> changed = get("/static/main.css", "If-None-Match", "\"other\"");

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("ETag")).contains(etag);
    assertThat(changed.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/static/",
        "/static",
        "/static/missing.css",
        "/static/..%2Frobots.txt",
        "/static/%2e%2e/robots.txt",
        "/theme/../static/main.css",
        "/theme/main.css",
        "/static/styles.css",
        "/theme/",
        "/static/a/b/c.css"
      })
  void anythingButAServedFileIsGosPlainNotFound(String path) throws Exception {
    HttpResponse<String> response = get(path);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("404 page not found\n");
  }

  @Test
  void robotsTxtKeepsCrawlersOut() throws Exception {
    HttpResponse<String> response = get("/robots.txt");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
    assertThat(response.body()).isEqualTo("User-agent: *\nDisallow: /\n");
  }

  @Test
  void pagesAreServedWithTheirHeadersAndTheOperatorsWebHeaders() throws Exception {
    HttpResponse<String> response = get("/password");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .contains(
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none';"
                + " base-uri 'none'");
    assertThat(response.headers().firstValue("Strict-Transport-Security")).contains("max-age=60");
    assertThat(response.headers().allValues("Content-Security-Policy")).hasSize(1);
  }

  @Test
  void pathSegmentsArePercentDecodedAsGoDecodesThePath() {
    assertThat(WebAssets.percentDecode("main%2Ecss")).contains("main.css");
    assertThat(WebAssets.percentDecode("%C3%A9t%C3%A9+x")).contains("\u00e9t\u00e9+x");
    assertThat(WebAssets.percentDecode("%zz")).isEmpty();
    assertThat(WebAssets.percentDecode("a%2")).isEmpty();
  }

  @Test
  void contentTypesFollowTheExtensionCaseInsensitively() {
    assertThat(WebAssets.contentType("img/logo.PNG")).isEqualTo("image/png");
    assertThat(WebAssets.contentType("fonts/x.woff2")).isEqualTo("font/woff2");
    assertThat(WebAssets.contentType("README")).isEqualTo("application/octet-stream");
    assertThat(WebAssets.contentType("a.tar.gz")).isEqualTo("application/octet-stream");
  }
}
