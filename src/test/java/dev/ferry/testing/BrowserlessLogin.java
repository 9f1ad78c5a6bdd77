package dev.ferry.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks Ferry's login flow the way a browser does, without one: follows every redirect by hand
 * (into an upstream identity provider and back too), submits the password form and the approval
 * form found in the pages' HTML (their {@code action} and hidden fields), and stops at the first
 * redirect to the client's {@code redirect_uri}. Each visited location is kept, so a test can
 * assert the path the flow took.
 */
public final class BrowserlessLogin {
  private static final Pattern FORM =
      Pattern.compile("<form[^>]*action=\"([^\"]*)\"[^>]*>(.*?)</form>", Pattern.DOTALL);
  private static final Pattern HIDDEN =
      Pattern.compile(
          "<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]*)\"[^>]*value=\"([^\"]*)\"[^>]*>");

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String redirectUri;
  private final List<String> visited = new ArrayList<>();

  /**
   * @param redirectUri the client's redirect URI; the walk ends at the first redirect to it
   */
  public BrowserlessLogin(String redirectUri) {
    this.redirectUri = redirectUri;
  }

  /** Every URL requested so far, in order. */
  public List<String> visited() {
    return List.copyOf(visited);
  }

  /** A GET without following redirects. */
  public HttpResponse<String> get(String url) throws IOException, InterruptedException {
    visited.add(url);
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A form POST without following redirects. */
  public HttpResponse<String> post(String url, Map<String, String> form)
      throws IOException, InterruptedException {
    visited.add("POST " + url);
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Starts at {@code authorizationUrl}, follows redirects inside Ferry, logs in with {@code
   * username}/{@code password} on a password form and approves on an approval form, and returns the
   * first location outside Ferry.
   *
   * @throws AssertionError when a page is neither a redirect nor a known form
   */
  public URI login(URI authorizationUrl, String username, String password)
      throws IOException, InterruptedException {
    HttpResponse<String> response = get(authorizationUrl.toString());
    for (int step = 0; step < 20; step++) {
      int status = response.statusCode();
      if (status == 302 || status == 303) {
        URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
        if (next.toString().startsWith(redirectUri)) {
          return next;
        }
        response = get(next.toString());
        continue;
      }
      if (status != 200) {
        throw new AssertionError(
            "login stopped at " + response.uri() + " with " + status + ": " + response.body());
      }
      Map<String, String> form = new LinkedHashMap<>();
      Matcher matcher = FORM.matcher(response.body());
      if (!matcher.find()) {
        throw new AssertionError("no form on " + response.uri() + ": " + response.body());
      }
      String action = unescape(matcher.group(1));
      Matcher hidden = HIDDEN.matcher(matcher.group(2));
      while (hidden.find()) {
        form.put(unescape(hidden.group(1)), unescape(hidden.group(2)));
      }
      if (matcher.group(2).contains("name=\"password\"")) {
        form.put("login", username);
        form.put("password", password);
      } else if (matcher.group(2).contains("name=\"approval\"")) {
        form.put("approval", "approve");
      } else {
        throw new AssertionError("unknown form on " + response.uri() + ": " + response.body());
      }
      URI target = response.uri().resolve(action.isEmpty() ? response.uri().toString() : action);
      response = post(target.toString(), form);
    }
    throw new AssertionError("login did not leave Ferry after 20 steps: " + visited);
  }

  private static final Pattern ENTITY =
      Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|quot|lt|gt);");

  /** Decodes the character references an HTML template engine writes into attribute values. */
  private static String unescape(String html) {
    Matcher m = ENTITY.matcher(html);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String replacement =
          switch (name) {
            case "amp" -> "&";
            case "quot" -> "\"";
            case "lt" -> "<";
            case "gt" -> ">";
            default ->
                Character.toString(
                    name.startsWith("#x")
                        ? Integer.parseInt(name.substring(2), 16)
                        : Integer.parseInt(name.substring(1)));
          };
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String encode(Map<String, String> form) {
    StringJoiner body = new StringJoiner("&");
    form.forEach((k, v) ->
        body.add(
            URLEncoder.encode(k, StandardCharsets.UTF_8)
                + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return body.toString();
  }
}
