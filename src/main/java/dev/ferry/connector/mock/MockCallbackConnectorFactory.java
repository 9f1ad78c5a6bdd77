package dev.ferry.connector.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.json.GoJson;
import java.util.List;

/**
 * Opens {@code type: mockCallback} connectors. The connector has no settings, but like Dex (which
 * decodes the config into an empty struct) a config that is not JSON fails to open.
 */
public final class MockCallbackConnectorFactory implements ConnectorFactory {
  public static final String TYPE = "mockCallback";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> validate(String configJson) {
    try {
      parse(configJson);
      return List.of();
    } catch (ConnectorException e) {
      return List.of(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public Connector open(String connectorId, String configJson) throws ConnectorException {
    parse(configJson);
    return new MockCallbackConnector();
  }

  private static void parse(String configJson) throws ConnectorException {
    if (!configJson.isBlank()) {
      try {
        GoJson.mapper().readTree(configJson);
      } catch (JsonProcessingException e) {
        throw new ConnectorException("parse connector config: " + e.getOriginalMessage(), e);
      }
    }
  }
}
