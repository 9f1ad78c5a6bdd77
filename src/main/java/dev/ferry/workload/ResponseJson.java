package dev.ferry.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code --output json}: the token response with {@code expires_in} brought up to date. Its own
 * class so that Jackson is loaded only for this output.
 */
final class ResponseJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ResponseJson() {}

  static String withExpiresIn(IssuedToken token, Clock clock) {
    ObjectNode response;
    try {
      JsonNode parsed = JSON.readTree(token.response());
      // Not the response Ferry sent (a cache entry of another version): its essentials will do.
      response =
          parsed instanceof ObjectNode object
                  && token.token().equals(object.path("access_token").asText())
              ? object
              : JSON.createObjectNode().put("access_token", token.token());
    } catch (JsonProcessingException e) {
      response = JSON.createObjectNode().put("access_token", token.token());
    }
    Instant expiresAt = token.expiresAt();
    if (expiresAt != null) {
      response.put(
          "expires_in", Math.max(0, Duration.between(clock.instant(), expiresAt).toSeconds()));
    }
    return response.toString();
  }
}
