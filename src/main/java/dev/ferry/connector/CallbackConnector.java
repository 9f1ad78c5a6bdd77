package dev.ferry.connector;

import java.util.Map;

/**
 * A connector that logs people in by sending the browser to its upstream and reading the answer at
 * Ferry's {@code /callback} (Dex: connector.CallbackConnector): OAuth 2.0 / OIDC upstreams, and
 * Dex's {@code mockCallback} test connector.
 *
 * <p>Threads: both methods run on a request thread and may block on the upstream (bounded by the
 * connector's {@link dev.ferry.connector.upstream.UpstreamBulkhead}).
 */
public interface CallbackConnector extends Connector {

  /**
   * Where to send the browser to log in.
   *
   * @param callbackUrl Ferry's absolute {@code /callback} URL, the upstream's redirect target
   * @param state the auth request id, which the upstream must echo back as {@code state}
   * @throws IdentityException when the login URL cannot be built (the upstream is unreachable)
   */
  LoginRedirect loginUrl(ConnectorScopes scopes, String callbackUrl, String state)
      throws IdentityException;

  /**
   * Reads the upstream's answer at {@code /callback}.
   *
   * @param connectorData what {@link #loginUrl} asked to keep with the auth request (a PKCE
   *     verifier, for example); empty when it asked for nothing
   * @param query the callback's query parameters, first value of each (e.g. {@code code}, {@code
   *     state}, {@code error}, {@code error_description})
   * @throws IdentityException when the upstream refused the login or its answer does not verify;
   *     the message is logged, never shown to the user
   */
  Identity handleCallback(ConnectorScopes scopes, byte[] connectorData, Map<String, String> query)
      throws IdentityException;

  /**
   * Where the browser goes and what the connector keeps for the callback.
   *
   * @param connectorData stored with the auth request and handed back to {@link #handleCallback};
   *     empty for nothing
   */
  // Opaque bytes, as Dex's []byte; nothing relies on this record's equals.
  @SuppressWarnings("ArrayRecordComponent")
  record LoginRedirect(String url, byte[] connectorData) {}
}
