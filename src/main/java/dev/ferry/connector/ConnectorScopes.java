package dev.ferry.connector;

import java.util.List;

/**
 * What a login asks of the upstream beyond identifying the user (Dex: connector.Scopes): {@code
 * offlineAccess} when the client asked for {@code offline_access} (a connector that can refresh
 * then keeps what it needs in its connector data), {@code groups} when it asked for {@code groups}.
 */
public record ConnectorScopes(boolean offlineAccess, boolean groups) {

  /** Dex's {@code parseScopes}: read from the scopes of an auth request or a refresh token. */
  public static ConnectorScopes of(List<String> scopes) {
    return new ConnectorScopes(scopes.contains("offline_access"), scopes.contains("groups"));
  }
}
