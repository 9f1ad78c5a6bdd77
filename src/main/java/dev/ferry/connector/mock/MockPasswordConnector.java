package dev.ferry.connector.mock;

import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.PasswordConnector;
import dev.ferry.connector.RefreshConnector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Dex's {@code mockPassword} test connector (Dex: connector/mock/connectortest.go
 * passwordConnector): one configured username and password log in as Kilgore Trout; a refresh
 * returns the identity unchanged. For tests only.
 */
public final class MockPasswordConnector implements PasswordConnector, RefreshConnector {
  private final byte[] username;
  private final byte[] password;

  MockPasswordConnector(String username, String password) {
    this.username = username.getBytes(StandardCharsets.UTF_8);
    this.password = password.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String prompt() {
    return "";
  }

  @Override
  public Optional<Identity> login(ConnectorScopes scopes, String username, String password) {
    // Both compared in full and in constant time, so neither reveals how much of it was right.
    boolean user = MessageDigest.isEqual(this.username, username.getBytes(StandardCharsets.UTF_8));
    boolean pass = MessageDigest.isEqual(this.password, password.getBytes(StandardCharsets.UTF_8));
    if (!user || !pass) {
      return Optional.empty();
    }
    return Optional.of(
        new Identity(
            "0-385-28089-0",
            "Kilgore Trout",
            "",
            "kilgore@kilgore.trout",
            true,
            List.of(),
            "{\"test\": \"true\"}".getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public Identity refresh(ConnectorScopes scopes, Identity identity) {
    return identity;
  }
}
