package dev.ferry.endpoint.token;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.json.GoJson;

/**
 * The token endpoint's success body in Dex's member order (Go struct order): {@code access_token}
 * always, {@code issued_token_type} if set, {@code token_type} always, then {@code expires_in},
 * {@code refresh_token}, {@code id_token} and {@code scope} only when set (Dex:
 * server/tokens/authorization.go Response.Write).
 */
public record TokenResponse(
    String accessToken,
    String issuedTokenType,
    String tokenType,
    long expiresIn,
    String refreshToken,
    String idToken,
    String scope) {

  /**
   * A token exchange answer: one token, its type, always {@code "bearer"} (Dex:
   * server/grants/tokenexchange.go tokenExchange.Authorize).
   */
  public static TokenResponse exchanged(String token, String issuedTokenType, long expiresIn) {
    return new TokenResponse(token, issuedTokenType, "bearer", expiresIn, "", "", "");
  }

  byte[] toJson() {
    ObjectNode json = GoJson.mapper().createObjectNode();
    json.put("access_token", accessToken);
    putIfSet(json, "issued_token_type", issuedTokenType);
    json.put("token_type", tokenType);
    if (expiresIn != 0) {
      json.put("expires_in", expiresIn);
    }
    putIfSet(json, "refresh_token", refreshToken);
    putIfSet(json, "id_token", idToken);
    putIfSet(json, "scope", scope);
    return GoJson.compact(json);
  }

  private static void putIfSet(ObjectNode json, String name, String value) {
    if (!value.isEmpty()) {
      json.put(name, value);
    }
  }
}
