package dev.ferry.endpoint;

import dev.ferry.http.HttpResponse;
import dev.ferry.web.Pages;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Pages} for endpoint tests: records every page the flow asked for and answers with a
 * small text body naming it ({@code page=<kind>} and the values), so tests can assert both on the
 * call and on the wire.
 */
public final class RecordingPages implements Pages {

  /** One rendered page: its kind and the argument it was given. */
  public record Rendered(String kind, Object argument) {}

  public final List<Rendered> rendered = new CopyOnWriteArrayList<>();

  @Override
  public HttpResponse connectorChoice(List<ConnectorLink> connectors) {
    return record(200, "connectorChoice", List.copyOf(connectors));
  }

  @Override
  public HttpResponse password(PasswordPage page) {
    return record(200, "password", page);
  }

  @Override
  public HttpResponse approval(ApprovalPage page) {
    return record(200, "approval", page);
  }

  @Override
  public HttpResponse error(int status, String message) {
    return record(status, "error", message);
  }

  @Override
  public HttpResponse oob(String code) {
    return record(200, "oob", code);
  }

  /** The last page of {@code kind}'s argument. */
  public <T> T last(String kind, Class<T> type) {
    for (int i = rendered.size() - 1; i >= 0; i--) {
      if (rendered.get(i).kind().equals(kind)) {
        return type.cast(rendered.get(i).argument());
      }
    }
    throw new AssertionError("no " + kind + " page was rendered; rendered: " + rendered);
  }

  private HttpResponse record(int status, String kind, Object argument) {
    rendered.add(new Rendered(kind, argument));
    String body = "page=" + kind + "\n" + argument + "\n";
    return HttpResponse.of(status, HttpResponse.HTML, body.getBytes(StandardCharsets.UTF_8));
  }
}
