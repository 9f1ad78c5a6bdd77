package dev.ferry.policy;

import dev.ferry.connector.SubjectToken;
import java.util.List;
import java.util.Map;

/**
 * What the rules are evaluated on: CEL's {@code client.id}, {@code request.scopes} and {@code
 * claims}, and the token's metadata for the lifetime cap.
 *
 * @param claims JSON-like values (String, Number, Boolean, List, Map), as {@link
 *     dev.ferry.connector.VerifiedSubject#claims()}
 */
public record TrustInput(
    String clientId, List<String> scopes, Map<String, Object> claims, SubjectToken token) {

  public TrustInput {
    scopes = List.copyOf(scopes);
    claims = Map.copyOf(claims);
  }
}
