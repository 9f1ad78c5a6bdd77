package dev.ferry.policy;

import dev.ferry.connector.VerifiedSubject;
import java.util.List;

/**
 * What a policy judges: who asks, through which connector, for what, and what was verified.
 *
 * @param clientId the authenticated client
 * @param connectorId the connector that verified the subject token
 * @param scopes the requested scopes, as the grant parsed them
 * @param subject the verified token's metadata, upstream claims and mapped identity
 */
public record PolicyRequest(
    String clientId, String connectorId, List<String> scopes, VerifiedSubject subject) {

  public PolicyRequest {
    scopes = List.copyOf(scopes);
  }
}
