package dev.ferry.connector.mock;

import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.connector.upstream.ConnectorConfigDecoder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Opens {@code type: mockPassword} connectors: {@code config: {username, password}}, both required
 * (Dex: connector/mock/connectortest.go PasswordConfig.Open, "no username supplied", "no password
 * supplied").
 */
public final class MockPasswordConnectorFactory implements ConnectorFactory {
  public static final String TYPE = "mockPassword";

  /** The config keys, matched case-insensitively as Go's encoding/json does. */
  record Config(@Nullable String username, @Nullable String password) {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> validate(String configJson) {
    try {
      read(configJson);
      return List.of();
    } catch (ConnectorException e) {
      return List.of(String.valueOf(e.getMessage()));
    }
  }

  @Override
  public Connector open(String connectorId, String configJson) throws ConnectorException {
    Config config = read(configJson);
    return new MockPasswordConnector(
        String.valueOf(config.username()), String.valueOf(config.password()));
  }

  private static Config read(String configJson) throws ConnectorException {
    Config config = ConnectorConfigDecoder.read(TYPE, configJson, Config.class);
    if (config.username() == null || config.username().isEmpty()) {
      throw new ConnectorException(TYPE + ": no username supplied");
    }
    if (config.password() == null || config.password().isEmpty()) {
      throw new ConnectorException(TYPE + ": no password supplied");
    }
    return config;
  }
}
