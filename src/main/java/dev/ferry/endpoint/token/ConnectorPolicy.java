package dev.ferry.endpoint.token;

import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.storage.Client;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dex HEAD's connector authorization for token grants (Dex: server/grants/grants.go
 * Handler.resolveConnector; server/connectors/policy.go ConnectorAllowed, GrantTypeAllowed), run
 * before any grant-specific check so that no grant can forget it (the fix for GHSA-7qjx-gp9h-65qj):
 * the client's {@code allowedConnectors} must name the connector (empty allows all), the connector
 * must exist and open, and its {@code grantTypes} must include the grant (empty allows all).
 */
public final class ConnectorPolicy {
  private static final Logger log = LoggerFactory.getLogger(ConnectorPolicy.class);

  private final ConnectorLookup connectors;

  public ConnectorPolicy(ConnectorLookup connectors) {
    this.connectors = connectors;
  }

  /**
   * The connector, once every check passed.
   *
   * @param client the authenticated client; a grant that authenticates none (device code) has no
   *     {@code allowedConnectors} to check, the connector's own checks still run
   */
  public OpenedConnector resolve(Optional<Client> client, String connectorId, String grantType) {
    if (client.isPresent() && !allows(client.get().allowedConnectors(), connectorId)) {
      log.atWarn()
          .setMessage("connector not allowed for client")
          .addKeyValue("client_id", client.get().id())
          .addKeyValue("connector_id", connectorId)
          .log();
      throw new OAuthException(OAuthError.INVALID_GRANT, "Connector not allowed for this client.");
    }
    OpenedConnector connector;
    try {
      connector =
          connectors
              .get(connectorId)
              .orElseThrow(() -> new IllegalStateException("no such connector"));
    } catch (RuntimeException e) {
      // Dex answers an unknown id, a failed open and a storage error alike.
      log.atError()
          .setMessage("failed to get connector")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("err", e.getMessage())
          .log();
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Requested connector does not exist.");
    }
    if (!allows(connector.definition().grantTypes(), grantType)) {
      log.atError()
          .setMessage("connector does not allow grant")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("grant_type", grantType)
          .log();
      throw new OAuthException(
          OAuthError.INVALID_REQUEST, "Requested connector does not support this grant type.");
    }
    return connector;
  }

  private static boolean allows(List<String> allowList, String value) {
    return allowList.isEmpty() || allowList.contains(value);
  }
}
