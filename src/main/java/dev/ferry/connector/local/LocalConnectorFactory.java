package dev.ferry.connector.local;

import dev.ferry.connector.Connector;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.storage.Password;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Opens the built-in {@code local} connector, which the server adds with {@code enablePasswordDB}
 * (Dex: server/connectors/resolve.go LocalConnector). A configuration cannot name the type in
 * {@code connectors} (Dex does not know it there either), so the factory is not {@link
 * #configurable()}. Every opened connector shares the factory's {@link PasswordCheckLimiter}, so
 * reopening one never lifts the bound on hashing.
 */
public final class LocalConnectorFactory implements ConnectorFactory {
  public static final String TYPE = "local";

  private final Function<String, Optional<Password>> passwords;
  private final PasswordCheckLimiter limiter;

  /**
   * @param passwords the stored entry for an email (storage's lookup, which lower-cases it)
   */
  public LocalConnectorFactory(
      Function<String, Optional<Password>> passwords, PasswordCheckLimiter limiter) {
    this.passwords = passwords;
    this.limiter = limiter;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public boolean configurable() {
    return false;
  }

  /** The local connector reads no configuration (Dex ignores its config). */
  @Override
  public List<String> validate(String configJson) {
    return List.of();
  }

  @Override
  public Connector open(String connectorId, String configJson) {
    return new LocalPasswordConnector(connectorId, passwords, limiter);
  }
}
