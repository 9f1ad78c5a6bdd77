package dev.ferry.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every client's federated credentials, by client id, as compiled from the configuration when it
 * was loaded ({@code staticClients[].federatedCredentials}). Kept out of the storage model on
 * purpose: a credential is trust configuration (it names a connector and carries compiled CEL), not
 * client data that the storage or the gRPC API should hold.
 */
public final class FederatedCredentials {
  private static final FederatedCredentials NONE = new FederatedCredentials(Map.of());

  private final Map<String, List<FederatedCredential>> byClient;

  /**
   * @param byClient each client's credentials, in configuration order; clients without any are
   *     absent
   */
  public FederatedCredentials(Map<String, List<FederatedCredential>> byClient) {
    Map<String, List<FederatedCredential>> copy = new LinkedHashMap<>();
    byClient.forEach((client, credentials) -> {
      if (!credentials.isEmpty()) {
        copy.put(client, List.copyOf(credentials));
      }
    });
    this.byClient = Collections.unmodifiableMap(copy);
  }

  /** No client has federated credentials: Dex's behaviour. */
  public static FederatedCredentials none() {
    return NONE;
  }

  /** Whether any client has federated credentials. */
  public boolean isEmpty() {
    return byClient.isEmpty();
  }

  /** The client's credentials in configuration order; empty when it has none. */
  public List<FederatedCredential> of(String clientId) {
    return byClient.getOrDefault(clientId, List.of());
  }

  /** The ids of the clients that have credentials, in configuration order. */
  public List<String> clientIds() {
    return List.copyOf(byClient.keySet());
  }
}
