package dev.ferry.workload;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a limit: an issuer that is not Ferry (or a proxy in front
 * of it) may send anything, and {@code ferry token} must neither run out of memory nor wait for the
 * end of an endless body.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int limit;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private byte[] bytes = new byte[1024];
  private int length;
  private Flow.@org.jspecify.annotations.Nullable Subscription subscription;

  /** The body went past the limit: the sender is not who it should be, not merely unreachable. */
  static final class TooLong extends IOException {
    private static final long serialVersionUID = 1L;

    TooLong(String message) {
      super(message);
    }
  }

  BoundedBody(int limit) {
    this.limit = limit;
  }

  static HttpResponse.BodyHandler<byte[]> handler(int limit) {
    return info -> new BoundedBody(limit);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      int n = buffer.remaining();
      if (length + n > limit) {
        Flow.Subscription current = subscription;
        if (current != null) {
          current.cancel();
        }
        result.completeExceptionally(
            new TooLong("the response body is longer than " + limit + " bytes"));
        return;
      }
      if (length + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(bytes.length * 2, length + n)));
      }
      buffer.get(bytes, length, n);
      length += n;
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(Arrays.copyOf(bytes, length));
  }
}
