package dev.ferry.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a Jetty request an endpoint may use. The body has been read before the endpoint runs
 * ({@link RequestBody}), never beyond the configured limit; it is parsed only when {@link
 * #postForm()} is called.
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
  private final RequestBody body;
  private final int maxBodyBytes;
  private final Map<String, String> pathVariables;
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
      RequestBody body,
      int maxBodyBytes,
      Map<String, String> pathVariables) {
    this.method = method;
    this.path = path;
    this.rawQuery = rawQuery;
    this.headers = headers;
    this.remoteIp = remoteIp;
    this.requestId = requestId;
    this.body = body;
    this.maxBodyBytes = maxBodyBytes;
    this.pathVariables = Map.copyOf(pathVariables);
  }

  /**
   * The value of a {@code {name}} segment of the route pattern, still percent-encoded as sent
   * (gorilla/mux with {@code UseEncodedPath}); empty when the route has no such variable.
   */
  public Optional<String> pathVariable(String name) {
    return Optional.ofNullable(pathVariables.get(name));
  }

  /**
   * Go's {@code r.Form} after {@code ParseForm}: the url-encoded POST body's values first, then the
   * query's, so that {@link Form#get} gives a body value over a query value of the same name (what
   * Dex's browser endpoints read with {@code r.FormValue}).
   *
   * @throws FormException when the body or the query is malformed or the body is too large
   */
  public Form form() throws FormException {
    return Form.merge(postForm(), query());
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
    if (bodyRead) {
      return true;
    }
    bodyRead = true;
    return body.complete() && body.total() <= limit;
  }

  private byte[] readBody() throws FormException {
    bodyRead = true;
    String reason = body.unreadReason();
    if (reason != null) {
      throw new FormException(reason, reason.equals("body too large"));
    }
    if (body.kept().length > maxBodyBytes) {
      throw new FormException("body too large", true);
    }
    return body.kept();
  }
}
