package dev.ferry.connector;

import java.util.Optional;

/**
 * A connector that checks a username and password itself (Dex: connector.PasswordConnector): the
 * local password database, LDAP, Dex's {@code mockPassword}. Ferry shows its own form at {@code
 * /auth/{connector}/login} and, when {@code oauth2.passwordConnector} names the connector, serves
 * the {@code password} grant with it.
 *
 * <p>Threads: {@link #login} runs on a request thread, never on the CPU workers; an implementation
 * that hashes (bcrypt) bounds that work itself.
 */
public interface PasswordConnector extends Connector {

  /**
   * The label of the username field, empty for Dex's default {@code "Username"} (Dex:
   * connector.PasswordConnector.Prompt; the local database says {@code "Email Address"}).
   */
  String prompt();

  /**
   * Checks the credentials.
   *
   * @return the identity, or empty when the username or password is wrong (the form says so)
   * @throws IdentityException when the check itself failed (storage, upstream); the message is
   *     logged, never shown
   */
  Optional<Identity> login(ConnectorScopes scopes, String username, String password)
      throws IdentityException;
}
