package dev.ferry.connector.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Every request a connector sends upstream goes through here, so that each one has a connect
 * timeout, a deadline for the whole exchange (body included: a server that drips its body cannot
 * hold a request thread) and a cap on the body size.
 */
public final class UpstreamHttp implements AutoCloseable {

  /**
   * An upstream answer; {@code contentType} is the media type, lower case, without parameters, and
   * {@code text} the body decoded as UTF-8 (JSON and JWTs are UTF-8 by definition).
   */
  public record Response(int status, String contentType, String text) {

    /**
     * What the body was, for error messages, without quoting it: go-oidc quotes the body of a
     * failed response, but an upstream may echo a bearer token there, and it would reach the log.
     */
    public String describeBody() {
      return text.length()
          + " chars of "
          + (contentType.isEmpty() ? "untyped content" : contentType);
    }
  }

  private final HttpClient client;
  private final Duration requestTimeout;
  private final int maxResponseBytes;

  /**
   * @param tls the trust towards the upstream ({@link UpstreamTls#context})
   * @param connectTimeout TCP/TLS connect timeout of every request
   * @param requestTimeout deadline for a whole exchange, body included
   * @param maxResponseBytes largest body read; a larger one fails the request
   */
  public UpstreamHttp(
      SSLContext tls, Duration connectTimeout, Duration requestTimeout, int maxResponseBytes) {
    this.client =
        HttpClient.newBuilder()
            .sslContext(tls)
            .connectTimeout(connectTimeout)
            // Go's http.Client follows redirects too; NORMAL never downgrades https to http.
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.requestTimeout = requestTimeout;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** GET {@code uri}, with {@code Authorization: Bearer <bearer>} when a bearer is given. */
  public Response get(URI uri, @Nullable String bearer) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "*/*");
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send("GET", uri, request);
  }

  /**
   * POST {@code form} to {@code uri} as {@code application/x-www-form-urlencoded} (an OAuth 2.0
   * token request), with {@code authorization} as the {@code Authorization} header when given. The
   * form is encoded as Go's {@code url.Values.Encode}: keys sorted, values query-escaped.
   */
  public Response postForm(URI uri, Map<String, String> form, @Nullable String authorization)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofString(GoQuery.encode(form)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return send("POST", uri, request);
  }

  private Response send(String method, URI uri, HttpRequest.Builder builder) throws IOException {
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(
            builder.timeout(requestTimeout).build(),
            info -> new CappedBody(maxResponseBytes, info));
    try {
      HttpResponse<byte[]> response = pending.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      String contentType =
          response
              .headers()
              .firstValue("Content-Type")
              .map(v -> v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
              .orElse("");
      return new Response(
          response.statusCode(), contentType, new String(response.body(), StandardCharsets.UTF_8));
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new IOException(
          method + " " + uri + ": no complete response within " + requestTimeout.toMillis() + " ms",
          e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException(method + " " + uri + ": interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof HttpTimeoutException) {
        // No response headers before the deadline: the same failure as a body that never ends.
        throw new IOException(
            method
                + " "
                + uri
                + ": no complete response within "
                + requestTimeout.toMillis()
                + " ms",
            cause);
      }
      throw new IOException(method + " " + uri + ": " + describe(cause), cause);
    }
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    String type = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  @Override
  public void close() {
    client.shutdownNow();
  }

  /** Collects a body up to {@code max} bytes and fails the exchange past that. */
  private static final class CappedBody implements BodySubscriber<byte[]> {
    private final int max;
    private final OptionalLong declaredLength;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.@Nullable Subscription subscription;

    CappedBody(int max, HttpResponse.ResponseInfo info) {
      this.max = max;
      this.declaredLength = info.headers().firstValueAsLong("Content-Length");
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (declaredLength.isPresent() && declaredLength.getAsLong() > max) {
        subscription.cancel();
        result.completeExceptionally(tooLarge());
        return;
      }
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (buffer.size() + item.remaining() > max) {
          Flow.Subscription s = subscription;
          if (s != null) {
            s.cancel();
          }
          result.completeExceptionally(tooLarge());
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        buffer.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(buffer.toByteArray());
    }

    private IOException tooLarge() {
      return new IOException("response body larger than " + max + " bytes");
    }
  }
}
