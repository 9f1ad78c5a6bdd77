package dev.ferry.endpoint;

import dev.ferry.connector.Connector;

/**
 * A stored connector definition and the connector opened from it. The definition carries what the
 * policy checks need ({@code grantTypes}); the connector carries the capabilities.
 */
public record OpenedConnector(dev.ferry.storage.Connector definition, Connector connector) {}
