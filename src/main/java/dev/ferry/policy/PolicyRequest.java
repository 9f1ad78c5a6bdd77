package dev.ferry.policy;

import dev.ferry.connector.VerifiedSubject;
import java.util.List;
import java.util.Set;

/**
 * What a policy judges: who asks, through which connector, for what, and what was verified.
 *
 * @param clientId the authenticated client (for a client assertion: the client it claims to be)
 * @param connectorId the connector that verified the subject token
 * @param scopes the requested scopes, as the grant parsed them
 * @param subject the verified token's metadata, upstream claims and mapped identity
 * @param ownAudiences for an RFC 7523 assertion (the JWT bearer grant, a client assertion): Ferry's
 *     own identifiers, its issuer URL and token endpoint URL. The token's {@code aud} must then
 *     contain one of these or one of the connector's {@code trust.audiences} (RFC 7523 §3). Empty
 *     for an RFC 8693 subject token, which is addressed to whoever the upstream chose and is judged
 *     by {@code trust.audiences} alone.
 */
public record PolicyRequest(
    String clientId,
    String connectorId,
    List<String> scopes,
    VerifiedSubject subject,
    Set<String> ownAudiences) {

  public PolicyRequest {
    scopes = List.copyOf(scopes);
    ownAudiences = Set.copyOf(ownAudiences);
  }

  /** A token exchange's subject token: no audience of Ferry's own is required. */
  public PolicyRequest(
      String clientId, String connectorId, List<String> scopes, VerifiedSubject subject) {
    this(clientId, connectorId, scopes, subject, Set.of());
  }

  /** Whether the verified token is an RFC 7523 assertion, which must be addressed to Ferry. */
  public boolean isAssertion() {
    return !ownAudiences.isEmpty();
  }
}
