package dev.ferry.endpoint.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.endpoint.WebFixture;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives the login flow of a {@link WebFixture} as a browser would: GETs and form POSTs through
 * real HTTP, following Ferry's own redirects (absolute under the fixture's issuer, or paths under
 * its path) until the flow renders a page or leaves for the client.
 */
final class FlowClient {
  static final String REDIRECT = "https://client.example/callback";

  private final WebFixture fixture;
  private final String issuerPath;

  FlowClient(WebFixture fixture) {
    this.fixture = fixture;
    this.issuerPath = URI.create(fixture.issuer).getRawPath();
  }

  /** GET of a path under the issuer ({@code /auth?...}). */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return fixture.get(path);
  }

  /** GET of a location Ferry sent (an issuer URL or an absolute path under the issuer path). */
  HttpResponse<String> follow(String location) throws IOException, InterruptedException {
    return fixture.get(local(location));
  }

  HttpResponse<String> post(String location, Map<String, String> form)
      throws IOException, InterruptedException {
    return fixture.postForm(local(location), form);
  }

  /**
   * Follows redirects that stay inside Ferry; returns the first answer that is not such a redirect:
   * a page, or the redirect to the client.
   */
  HttpResponse<String> run(HttpResponse<String> first) throws IOException, InterruptedException {
    HttpResponse<String> current = first;
    for (int i = 0; i < 10; i++) {
      String location = current.headers().firstValue("Location").orElse("");
      if ((current.statusCode() != 302 && current.statusCode() != 303) || !internal(location)) {
        return current;
      }
      current = follow(location);
    }
    throw new AssertionError("redirect loop");
  }

  boolean internal(String location) {
    return location.startsWith(fixture.issuer + "/") || location.startsWith(issuerPath + "/");
  }

  String local(String location) {
    if (location.startsWith(fixture.issuer)) {
      return location.substring(fixture.issuer.length());
    }
    assertThat(location).startsWith(issuerPath + "/");
    return location.substring(issuerPath.length());
  }

  /** A standard code request for {@code client}, with extra or replaced parameters. */
  static String authPath(String prefix, Map<String, String> params) {
    return prefix + "?" + WebFixture.encode(params);
  }

  static Map<String, String> codeRequest(String clientId) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("client_id", clientId);
    params.put("redirect_uri", REDIRECT);
    params.put("response_type", "code");
    params.put("scope", "openid email profile");
    params.put("state", "xyz");
    return params;
  }

  /** The query (or fragment) parameters of a URL, first value of each. */
  static Map<String, String> params(String encoded) {
    Map<String, String> out = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return out;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }

  static Map<String, String> query(String url) {
    return params(URI.create(url).getRawQuery());
  }

  static Map<String, String> fragment(String url) {
    return params(URI.create(url).getRawFragment());
  }

  static String location(HttpResponse<String> response) {
    return response.headers().firstValue("Location").orElseThrow();
  }
}
