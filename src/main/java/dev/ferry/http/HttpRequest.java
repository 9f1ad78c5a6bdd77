package dev.ferry.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a Jetty request an endpoint may use. The body is read at most once, only when {@link
 * #postForm()} is called, and never beyond the configured limit.
 */
public final class HttpRequest {
  /**
   * How much of an oversized body is read and thrown away so that the client, still sending, sees
   * the 400 instead of a reset connection. Anything larger is refused without reading it.
   */
  static final long DRAIN_LIMIT = 64L << 20;

  private final String method;
  private final String path;
  private final String rawQuery;
  private final HttpFields headers;
  private final String remoteIp;
  private final String requestId;
  private final @Nullable Request jettyRequest;
  private final int maxBodyBytes;
  private @Nullable Form postForm;
  private @Nullable FormException postFormError;
  private boolean bodyRead;

  HttpRequest(
      String method,
      String path,
      String rawQuery,
      HttpFields headers,
      String remoteIp,
      String requestId,
      @Nullable Request jettyRequest,
      int maxBodyBytes) {
    this.method = method;
    this.path = path;
    this.rawQuery = rawQuery;
    this.headers = headers;
    this.remoteIp = remoteIp;
    this.requestId = requestId;
    this.jettyRequest = jettyRequest;
    this.maxBodyBytes = maxBodyBytes;
  }

  public String method() {
    return method;
  }

  /** The request path as sent, still percent-encoded (Dex routes on the encoded path). */
  public String path() {
    return path;
  }

  public String rawQuery() {
    return rawQuery;
  }

  /** The first value of a header, as Go's {@code Header.Get}. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  public boolean hasHeader(String name) {
    return headers.contains(name);
  }

  /** The client's IP: the peer, or the trusted proxy header's client (Dex: web.clientRemoteIP). */
  public String remoteIp() {
    return remoteIp;
  }

  public String requestId() {
    return requestId;
  }

  /**
   * The url-encoded POST body, parsed as Go's {@code ParseForm} does: only an {@code
   * application/x-www-form-urlencoded} body is read (media-type parameters allowed); any other or
   * missing content type yields an empty form, and a malformed one of any type is an error. The
   * query string is parsed too, only so that a malformed one fails the same way it does in Go; its
   * values are never returned here.
   *
   * @throws FormException when the body or the query is malformed or the body is too large
   */
  public Form postForm() throws FormException {
    if (postFormError != null) {
      throw postFormError;
    }
    if (postForm == null) {
      try {
        postForm = readPostForm();
      } catch (FormException e) {
        postFormError = e;
        throw e;
      }
    }
    return postForm;
  }

  /** The URL query parameters. */
  public Form query() throws FormException {
    return Form.parse(rawQuery);
  }

  private Form readPostForm() throws FormException {
    Form.parse(rawQuery);
    // Go: an absent type is application/octet-stream; a malformed one fails ParseForm whatever the
    // type (GoMediaType), after a url-encoded body has been read as usual.
    String contentType = header("Content-Type").orElse("");
    GoMediaType mediaType =
        GoMediaType.parse(contentType.isEmpty() ? "application/octet-stream" : contentType);
    Form form =
        mediaType.type().equals("application/x-www-form-urlencoded")
            ? Form.parse(new String(readBody(), StandardCharsets.UTF_8))
            : Form.empty();
    if (mediaType.malformed()) {
      throw new FormException("malformed media type: " + contentType, false);
    }
    return form;
  }

  /**
   * Reads and drops a body the endpoint left unread, as Go's server does after a handler (up to
   * {@code limit} bytes), so that the connection can carry the next request. Jetty would otherwise
   * drop the connection at random after the answer, and a client reusing it gets nothing back.
   *
   * @return false when the body is larger than {@code limit} or could not be read, in which case
   *     the connection must not be reused
   */
  boolean discardUnreadBody(long limit) {
    if (jettyRequest == null || bodyRead) {
      return true;
    }
    bodyRead = true;
    long declared;
    try {
      declared = headers.getLongField("Content-Length");
    } catch (NumberFormatException e) {
      return false;
    }
    if (declared == 0 || (declared < 0 && !headers.contains("Transfer-Encoding"))) {
      return true;
    }
    if (declared > limit) {
      return false;
    }
    try (InputStream in = Content.Source.asInputStream(jettyRequest)) {
      byte[] sink = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(sink)) >= 0) {
        total += n;
        if (total > limit) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private byte[] readBody() throws FormException {
    if (jettyRequest == null) {
      return new byte[0];
    }
    bodyRead = true;
    long declared;
    try {
      declared = headers.getLongField("Content-Length");
    } catch (NumberFormatException e) {
      throw new FormException("invalid Content-Length", false);
    }
    if (declared > DRAIN_LIMIT) {
      throw new FormException("body too large", true);
    }
    try (InputStream in = Content.Source.asInputStream(jettyRequest)) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length <= maxBodyBytes) {
        return body;
      }
      long drained = body.length;
      byte[] sink = new byte[8192];
      int n;
      while (drained < DRAIN_LIMIT && (n = in.read(sink)) > 0) {
        drained += n;
      }
      throw new FormException("body too large", true);
    } catch (IOException e) {
      throw new FormException("could not read body: " + e.getMessage(), false);
    }
  }
}
