package dev.ferry.policy;

import java.util.Optional;

/**
 * One of a client's federated credentials (RFC 7523 §2.2 client authentication with an upstream
 * JWT, as Entra federated identity credentials and Keycloak's federated client authentication do
 * it): a JWT that {@code connectorId} verifies, whose {@code sub} is exactly {@code subject} and on
 * which {@code condition} holds, authenticates the client.
 *
 * @param connectorId the {@code oidc} connector that verifies the assertion
 * @param subject the exact {@code sub} of the workload's token
 * @param condition CEL over the assertion's claims; empty: no further condition
 */
public record FederatedCredential(
    String connectorId, String subject, Optional<CredentialCondition> condition) {}
