package dev.ferry.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * GitHub Actions' OIDC token: the runner's endpoint {@code ACTIONS_ID_TOKEN_REQUEST_URL}, called
 * with the bearer {@code ACTIONS_ID_TOKEN_REQUEST_TOKEN} and the audience, answers {@code
 * {"value":"<jwt>"}}. Both variables exist only in jobs granted {@code id-token: write}.
 */
final class GithubActionsSource implements TokenSource {
  static final String NAME = "github-actions";
  static final String URL_VARIABLE = "ACTIONS_ID_TOKEN_REQUEST_URL";
  static final String TOKEN_VARIABLE = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

  /** The answer is one small JSON object; more than this is not the runner. */
  private static final int MAX_BYTES = 256 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Printable ASCII without the space: what a header value can carry as one token. */
  private static final Pattern BEARER = Pattern.compile("[\\x21-\\x7e]+");

  private final Workplace place;
  private final @Nullable String audience;
  private final Duration timeout;

  GithubActionsSource(Workplace place, @Nullable String audience, Duration timeout) {
    this.place = place;
    this.audience = audience;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The request URL names the workflow run and job, so it changes with every job; the request
   * token's hash stands in for the token, which cannot be had without the network.
   */
  @Override
  public String cacheIdentity() throws WorkloadException {
    Variables v = variables();
    return TokenCache.key(List.of(v.url().toString(), TokenCache.key(List.of(v.requestToken()))));
  }

  @Override
  public UpstreamToken fetch() throws WorkloadException {
    Variables v = variables();
    URI uri = v.url();
    String endpoint = "the GitHub Actions token endpoint (" + origin(uri) + ")";
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "bearer " + v.requestToken())
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    // One deadline for the headers and the whole body: a request timeout stops at the headers,
    // and a runner that sends them and then stalls would hang the job.
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(request, BoundedBody.handler(MAX_BYTES));
    HttpResponse<byte[]> response;
    try {
      response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw silent(endpoint);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, "interrupted while asking " + endpoint + " for a token");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof BoundedBody.TooLong) {
        throw new WorkloadException(
            Failure.UPSTREAM_TOKEN, endpoint + " answered more than " + MAX_BYTES + " bytes");
      }
      if (cause instanceof HttpTimeoutException) {
        throw silent(endpoint);
      }
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, "could not reach " + endpoint + ": " + unreachable(cause));
    } finally {
      // Not close(), which would wait for the exchange that timed out: abandon it.
      client.shutdownNow();
    }
    int status = response.statusCode();
    byte[] body = response.body();
    if (status != 200) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, endpoint + " answered HTTP " + status + ", not a token");
    }
    @Nullable JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      tree = null;
    }
    if (tree == null || !tree.isObject()) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, endpoint + " did not answer a JSON object");
    }
    JsonNode value = tree.path("value");
    if (!value.isTextual()) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, endpoint + " answered JSON without a \"value\" string");
    }
    return UnverifiedJwt.check(value.asText(), NAME, place.clock());
  }

  private WorkloadException silent(String endpoint) {
    return new WorkloadException(
        Failure.UPSTREAM_TOKEN, endpoint + " did not answer within " + Sources.describe(timeout));
  }

  /**
   * Why the runner's endpoint could not be reached, in plain words rather than a JDK class name.
   * The whole cause chain counts: the JDK's client wraps an unknown host in a connect failure.
   */
  static String unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpTimeoutException) {
        return "timed out";
      }
      if (t instanceof SSLException) {
        return "TLS failed";
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
    }
    return "the connection failed";
  }

  private record Variables(URI url, String requestToken) {}

  private Variables variables() throws WorkloadException {
    @Nullable String url = place.env().get(URL_VARIABLE);
    @Nullable String token = place.env().get(TOKEN_VARIABLE);
    List<String> missing = new ArrayList<>();
    if (url == null || url.isBlank()) {
      missing.add(URL_VARIABLE);
    }
    if (token == null || token.isBlank()) {
      missing.add(TOKEN_VARIABLE);
    }
    if (url == null || token == null || !missing.isEmpty()) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN,
          String.join(" and ", missing)
              + (missing.size() == 1 ? " is" : " are")
              + " not set: give the job `permissions: id-token: write` (GitHub gives no OIDC"
              + " token to pull requests from forks)");
    }
    String requestToken = token.strip();
    if (!BEARER.matcher(requestToken).matches()) {
      // Never the value: it is a credential. The JDK would refuse it as a header anyway, and its
      // exception message would carry it.
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN,
          TOKEN_VARIABLE
              + " is not a bearer token: it has a space, a control or a non-ASCII character");
    }
    return new Variables(requestUri(url.strip()), requestToken);
  }

  /** The runner's URL already carries {@code ?api-version=2.0}; the audience is added to it. */
  private URI requestUri(String url) throws WorkloadException {
    String withAudience = url;
    if (audience != null) {
      String separator =
          url.indexOf('?') < 0 ? "?" : url.endsWith("?") || url.endsWith("&") ? "" : "&";
      withAudience =
          url + separator + "audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8);
    }
    try {
      URI uri = new URI(withAudience);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Reported below, without the value: it is the runner's, not the user's.
    }
    throw new WorkloadException(Failure.UPSTREAM_TOKEN, URL_VARIABLE + " is not an http(s) URL");
  }

  private static String origin(URI uri) {
    return Text.clean(
        uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
  }
}
