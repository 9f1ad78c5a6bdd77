package dev.ferry.connector;

/**
 * A connector that can verify a token its upstream issued and turn it into an {@link Identity}: the
 * capability behind RFC 8693 token exchange (Dex: connector.TokenIdentityConnector).
 */
public interface TokenIdentityConnector extends Connector {

  /**
   * Verifies {@code subjectToken} of the given RFC 8693 {@code subjectTokenType} and maps its
   * claims.
   *
   * @throws IdentityException when the token is not valid or its claims cannot be mapped; the
   *     message is logged, never sent to the client
   */
  Identity tokenIdentity(String subjectTokenType, String subjectToken) throws IdentityException;
}
