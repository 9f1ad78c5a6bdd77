package dev.ferry.endpoint.token;

/**
 * Where a token request came from, for the audit record: the request id the response carries in
 * {@code X-Request-Id}, and the client's address as the web listener resolved it.
 */
public record RequestContext(String requestId, String remoteAddr) {

  /** For calls that do not come through HTTP (benchmarks, tests of a grant alone). */
  public static RequestContext none() {
    return new RequestContext("", "");
  }
}
