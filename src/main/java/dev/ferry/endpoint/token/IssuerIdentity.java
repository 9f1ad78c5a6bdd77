package dev.ferry.endpoint.token;

import dev.ferry.http.Router;
import java.net.URI;
import java.util.Set;

/**
 * How Ferry is named in an RFC 7523 assertion's {@code aud} (RFC 7523 §3: the authorization
 * server's issuer identifier, or its token endpoint URL): the configured issuer verbatim, and the
 * token endpoint URL exactly as discovery advertises it.
 */
public record IssuerIdentity(String issuer, String tokenEndpoint) {

  /** From the configured issuer URL, with discovery's rule for the token endpoint. */
  public static IssuerIdentity of(String issuerUrl) {
    URI uri = URI.create(issuerUrl);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return new IssuerIdentity(
        issuerUrl, uri.getScheme() + "://" + uri.getRawAuthority() + Router.join(path, "/token"));
  }

  /** The values an assertion's {@code aud} may name to mean Ferry. */
  public Set<String> audiences() {
    return Set.of(issuer, tokenEndpoint);
  }
}
