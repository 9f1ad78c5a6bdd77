package dev.ferry.connector;

import java.util.List;

/**
 * One connector type: checks and opens connectors of that {@code type} from their JSON {@code
 * config} (already env-expanded). The same shape as a storage backend; every factory is listed once
 * in the {@link ConnectorRegistry} that {@code serve} and {@code config check} read.
 */
public interface ConnectorFactory {

  /** The Dex connector type this factory serves, e.g. {@code oidc}. */
  String type();

  /**
   * Whether a configuration may name this type in {@code connectors}. Built-in types that the
   * server adds itself (the {@code local} password database) are not, as in Dex.
   */
  default boolean configurable() {
    return true;
  }

  /**
   * Every problem in {@code configJson}, each naming its key, without contacting the upstream (for
   * {@code config check}); empty when {@link #open} would accept the config.
   */
  List<String> validate(String configJson);

  /**
   * Opens a connector. Opening may contact the upstream (OIDC discovery).
   *
   * @throws ConnectorException when the config is unusable or the connector cannot be opened
   */
  Connector open(String connectorId, String configJson) throws ConnectorException;
}
