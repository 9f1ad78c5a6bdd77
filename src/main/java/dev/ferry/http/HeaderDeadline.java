package dev.ferry.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * Closes a connection that does not deliver a request's headers in time (Go: http.Server
 * ReadHeaderTimeout). Jetty's idle timeout alone starts again at every byte, so a client sending
 * one header byte now and then would hold its connection, and up to the header limit of memory,
 * forever. The clock starts when the connection opens and, on a kept-alive connection, when an
 * answer has been sent; then the idle timeout is added, as Go waits for the next request's first
 * byte under IdleTimeout before the header deadline starts.
 */
final class HeaderDeadline extends Handler.Wrapper implements Connection.Listener {
  private final Scheduler scheduler;
  private final Duration first;
  private final Duration next;
  private final Map<Connection, Scheduler.Task> armed = new ConcurrentHashMap<>();

  HeaderDeadline(Handler handler, Scheduler scheduler, Duration headers, Duration idle) {
    super(handler);
    this.scheduler = scheduler;
    this.first = headers;
    this.next = headers.plus(idle);
  }

  @Override
  public void onOpened(Connection connection) {
    // The HTTP connection, not the TLS one beneath it: only it sees requests.
    if (connection instanceof ConnectionMetaData) {
      arm(connection, first);
    }
  }

  @Override
  public void onClosed(Connection connection) {
    disarm(connection);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Connection connection = request.getConnectionMetaData().getConnection();
    disarm(connection);
    Callback rearming =
        new Callback.Nested(callback) {
          @Override
          public void succeeded() {
            // Before the answer completes, so that the next request always finds it armed.
            if (connection.getEndPoint().isOpen()) {
              arm(connection, next);
            }
            super.succeeded();
          }
        };
    return super.handle(request, response, rearming);
  }

  private void arm(Connection connection, Duration timeout) {
    Scheduler.Task task =
        scheduler.schedule(
            () -> {
              if (armed.remove(connection) != null) {
                connection.getEndPoint().close();
              }
            },
            timeout);
    Scheduler.@Nullable Task previous = armed.put(connection, task);
    if (previous != null) {
      previous.cancel();
    }
  }

  private void disarm(Connection connection) {
    Scheduler.@Nullable Task task = armed.remove(connection);
    if (task != null) {
      task.cancel();
    }
  }
}
