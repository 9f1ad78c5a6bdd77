package dev.ferry.endpoint.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWK;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.IndentedJson;
import dev.ferry.json.GoJson;
import dev.ferry.signer.Signer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /keys} (Dex: server/discovery/discovery.go Handler.Keys): the signer's public keys,
 * current key first, as a pretty-printed JWK set whose members follow go-jose's order ({@code use,
 * kty, kid, crv, alg, x, y, n, e, ...}), with {@code Cache-Control: max-age=600, must-revalidate}.
 * With no key to publish Dex answers its HTML error page, status 500.
 */
public final class KeysEndpoint implements HttpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(KeysEndpoint.class);

  /** go-jose rawJSONWebKey field order; members it does not know keep Nimbus's order after them. */
  private static final List<String> MEMBER_ORDER =
      List.of(
          "use",
          "kty",
          "kid",
          "crv",
          "alg",
          "k",
          "x",
          "y",
          "n",
          "e",
          "x5c",
          "x5u",
          "x5t",
          "x5t#S256");

  private static final IndentedJson INDENTED = new IndentedJson("  ");

  private final Signer signer;

  public KeysEndpoint(Signer signer) {
    this.signer = signer;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    List<JWK> keys;
    try {
      keys = signer.publicKeys().getKeys();
    } catch (RuntimeException e) {
      log.atError().setMessage("failed to get keys").addKeyValue("err", e.getMessage()).log();
      return serverError();
    }
    if (keys.isEmpty()) {
      log.error("no public keys found.");
      return serverError();
    }
    ObjectNode set = GoJson.mapper().createObjectNode();
    ArrayNode array = set.putArray("keys");
    for (JWK key : keys) {
      array.add(ordered(key.toPublicJWK().toJSONObject()));
    }
    return HttpResponse.json(200, INDENTED.write(set))
        .withHeader("Cache-Control", "max-age=600, must-revalidate");
  }

  private static ObjectNode ordered(Map<String, Object> members) {
    Map<String, Object> remaining = new LinkedHashMap<>(members);
    ObjectNode out = GoJson.mapper().createObjectNode();
    for (String name : MEMBER_ORDER) {
      Object value = remaining.remove(name);
      if (value != null) {
        out.set(name, GoJson.mapper().valueToTree(value));
      }
    }
    remaining.forEach((name, value) -> out.set(name, GoJson.mapper().valueToTree(value)));
    return out;
  }

  private static HttpResponse serverError() {
    return HttpResponse.htmlError(500, "Internal Server Error", "Internal server error.");
  }
}
