package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.UpstreamJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The connector data of an {@code oidc} login, in Dex's JSON so that auth requests and offline
 * sessions written by Dex keep working (Dex: connector/oidc PKCEChallengeData, connectorData):
 * between the redirect and the callback {@code {"codeChallenge":<verifier>,
 * "codeChallengeMethod":<method>}} (Dex's names: the value is the PKCE verifier); after the login
 * {@code {"RefreshToken":<base64 of the upstream refresh token>}}, Go's encoding of a byte slice.
 * Both stay inside Ferry's storage; neither reaches a token or a log.
 */
final class LoginData {
  private LoginData() {}

  /** The PKCE state kept with the auth request. */
  record Pkce(String verifier, String method) {}

  static byte[] pkce(String verifier, String method) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("codeChallenge", verifier);
    node.put("codeChallengeMethod", method);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads the PKCE state; Dex's errors when it is unreadable or holds no verifier. */
  static Pkce readPkce(byte[] data) throws IdentityException {
    ObjectNode node;
    try {
      node = UpstreamJson.object(new String(data, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IdentityException("oidc: failed to parse PKCEChallenge data: " + e.getMessage());
    }
    String verifier = text(node, "codeChallenge");
    if (verifier.isEmpty()) {
      throw new IdentityException("oidc: invalid PKCE CodeChallenge");
    }
    return new Pkce(verifier, text(node, "codeChallengeMethod"));
  }

  static byte[] refreshToken(String refreshToken) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put(
        "RefreshToken",
        Base64.getEncoder().encodeToString(refreshToken.getBytes(StandardCharsets.UTF_8)));
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The upstream refresh token kept by a login; empty when there is none. The key is matched
   * case-insensitively and {@code null} counts as absent, as Go's {@code json.Unmarshal} does.
   */
  static String readRefreshToken(byte[] data) throws IdentityException {
    ObjectNode node;
    try {
      node = UpstreamJson.object(new String(data, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IdentityException("oidc: failed to unmarshal connector data: " + e.getMessage());
    }
    JsonNode value = null;
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (field.getKey().equals("RefreshToken")) {
        value = field.getValue();
        break;
      }
      if (value == null && field.getKey().equalsIgnoreCase("RefreshToken")) {
        value = field.getValue();
      }
    }
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new IdentityException(
          "oidc: failed to unmarshal connector data: RefreshToken is not a string");
    }
    try {
      // Go's StdEncoding skips line breaks and nothing else.
      String base64 = value.asText().replace("\r", "").replace("\n", "");
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IdentityException(
          "oidc: failed to unmarshal connector data: RefreshToken is not base64");
    }
  }

  private static String text(ObjectNode node, String key) {
    JsonNode value = node.get(key);
    return value != null && value.isTextual() ? value.asText() : "";
  }
}
