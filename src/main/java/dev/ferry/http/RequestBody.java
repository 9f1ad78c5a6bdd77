package dev.ferry.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * A request body read before the endpoint runs, without holding a thread while the client is slow:
 * Jetty calls back ({@link Request#demand}) when bytes arrive, and the endpoint runs only once the
 * whole body is in. A body not complete by the deadline closes the connection unanswered, as Go's
 * server does when {@code http.Server.ReadTimeout} passes; a byte now and then does not extend it.
 *
 * <p>Up to {@code keep} bytes are kept (the form limit plus one, so an oversized form is known to
 * be oversized); the rest, up to {@link HttpRequest#DRAIN_LIMIT}, is counted and thrown away so
 * that a client still sending sees the answer instead of a reset connection.
 *
 * @param kept the first bytes of the body, at most the limit plus one
 * @param total how many bytes were read
 * @param complete whether the body was read to its end
 * @param unreadReason why it was not, or null
 */
// The bytes are handed once from the reader to the form parser and never compared or shared, so
// the record's identity-based equality on the array is never used.
@SuppressWarnings("ArrayRecordComponent")
record RequestBody(byte[] kept, long total, boolean complete, @Nullable String unreadReason) {

  static final RequestBody EMPTY = new RequestBody(new byte[0], 0, true, null);

  /**
   * Reads the body of {@code request}, then hands it to {@code then} on the thread that read its
   * last bytes; after {@code timeout}, calls {@code expired} instead (and never {@code then}).
   */
  static void read(
      Request request, int keep, Duration timeout, Consumer<RequestBody> then, Runnable expired) {
    HttpFields headers = request.getHeaders();
    long declared;
    try {
      declared = headers.getLongField("Content-Length");
    } catch (NumberFormatException e) {
      then.accept(new RequestBody(new byte[0], 0, false, "invalid Content-Length"));
      return;
    }
    if (declared == 0 || (declared < 0 && !headers.contains("Transfer-Encoding"))) {
      then.accept(EMPTY);
      return;
    }
    if (declared > HttpRequest.DRAIN_LIMIT) {
      // Refused without reading it: nobody waits for 64 MiB to be thrown away.
      then.accept(new RequestBody(new byte[0], declared, false, "body too large"));
      return;
    }
    new Reader(request, keep, then, expired).start(request.getComponents().getScheduler(), timeout);
  }

  private static final class Reader implements Runnable {
    private final Request request;
    private final int keep;
    private final Consumer<RequestBody> then;
    private final Runnable expired;
    private final AtomicBoolean done = new AtomicBoolean();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;
    private Scheduler.@Nullable Task deadline;

    Reader(Request request, int keep, Consumer<RequestBody> then, Runnable expired) {
      this.request = request;
      this.keep = keep;
      this.then = then;
      this.expired = expired;
    }

    void start(Scheduler scheduler, Duration timeout) {
      deadline = scheduler.schedule(this::expire, timeout);
      run();
    }

    private void expire() {
      if (done.compareAndSet(false, true)) {
        expired.run();
      }
    }

    /** Reads what has arrived; asks to be called again when more does. */
    @Override
    public void run() {
      while (!done.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          finish(new RequestBody(kept.toByteArray(), total, false, "could not read body"));
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int n = bytes.remaining();
        total += n;
        int room = keep - kept.size();
        if (room > 0) {
          byte[] copy = new byte[Math.min(room, n)];
          bytes.get(copy);
          kept.writeBytes(copy);
        }
        boolean last = chunk.isLast();
        chunk.release();
        if (total > HttpRequest.DRAIN_LIMIT) {
          finish(new RequestBody(kept.toByteArray(), total, false, "body too large"));
          return;
        }
        if (last) {
          finish(new RequestBody(kept.toByteArray(), total, true, null));
          return;
        }
      }
    }

    private void finish(RequestBody body) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      Scheduler.Task task = deadline;
      if (task != null) {
        task.cancel();
      }
      then.accept(body);
    }
  }
}
