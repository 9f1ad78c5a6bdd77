package dev.ferry.endpoint.token;

import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.storage.Client;
import java.util.Optional;

/**
 * A token request after the shared steps: the grant's own state (its typed request, and what it
 * looked up), the authenticated client (absent only for grants that do not authenticate one) and
 * the connector that passed the policy (absent when the grant named none), and where the request
 * came from.
 */
public record GrantRequest<S>(
    S state, Optional<Client> client, Optional<OpenedConnector> connector, RequestContext context) {

  /** The authenticated client; only grants that authenticate clients may call this. */
  public Client authenticatedClient() {
    return client.orElseThrow(() -> new IllegalStateException("grant did not authenticate"));
  }
}
