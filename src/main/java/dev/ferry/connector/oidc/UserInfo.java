package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.connector.upstream.UpstreamJson;
import java.io.IOException;
import java.net.URI;

/**
 * The OIDC userinfo call (OpenID Connect Core §5.3) as go-oidc makes it for Dex: {@code GET} with
 * {@code Authorization: Bearer <token>}, anything but 200 is an error, an {@code application/jwt}
 * answer must be signed by an upstream key (its claims are not validated), and the JSON object
 * becomes claims. The call takes a slot of the connector's {@link UpstreamBulkhead}.
 */
final class UserInfo {

  private final UpstreamHttp http;
  private final UpstreamBulkhead bulkhead;

  UserInfo(UpstreamHttp http, UpstreamBulkhead bulkhead) {
    this.http = http;
    this.bulkhead = bulkhead;
  }

  ObjectNode fetch(URI endpoint, String bearer, UpstreamTokenVerifier verifier)
      throws IdentityException {
    UpstreamHttp.Response response =
        bulkhead.call(() -> {
          try {
            return http.get(endpoint, bearer);
          } catch (IOException e) {
            throw new IdentityException("oidc: error loading userinfo: " + e.getMessage(), e);
          }
        });
    if (response.status() != 200) {
      // The body is not quoted: some upstreams echo the presented token in their errors.
      throw new IdentityException(
          "oidc: error loading userinfo: " + endpoint + " answered HTTP " + response.status());
    }
    if (response.contentType().equals("application/jwt")) {
      return verifier.verifySignature(response.text().strip());
    }
    try {
      return UpstreamJson.object(response.text());
    } catch (IOException e) {
      // The parser's message and the body are left out: an upstream may echo the bearer in it.
      throw new IdentityException(
          "oidc: failed to decode userinfo claims: "
              + e.getMessage()
              + " ("
              + response.describeBody()
              + ")");
    }
  }
}
