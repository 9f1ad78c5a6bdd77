package dev.ferry.connector;

/**
 * A connector that can renew an identity when a client uses a refresh token (Dex:
 * connector.RefreshConnector). Dex issues refresh tokens only through connectors that implement it:
 * a login through any other connector gets no refresh token, even with {@code offline_access}.
 *
 * <p>Threads: runs on a request thread and may block on the upstream.
 */
public interface RefreshConnector extends Connector {

  /**
   * The identity as the upstream sees it now.
   *
   * @param identity the identity stored with the refresh token, with its connector data (the
   *     offline session's when it has one, as Dex does)
   * @throws IdentityException when the upstream no longer vouches for the user (the refresh is then
   *     refused); the message is logged, never sent to the client
   */
  Identity refresh(ConnectorScopes scopes, Identity identity) throws IdentityException;
}
