package dev.ferry.connector;

/**
 * Opens connectors of one {@code type} from their JSON {@code config} (already env-expanded).
 * Opening may contact the upstream (OIDC discovery); a failure is a {@link ConnectorException}.
 */
public interface ConnectorFactory {

  /** The Dex connector type this factory serves, e.g. {@code oidc}. */
  String type();

  Connector open(String connectorId, String configJson) throws ConnectorException;
}
