package dev.ferry.config;

import dev.ferry.policy.CredentialCondition;
import dev.ferry.policy.FederatedCredential;
import dev.ferry.policy.FederatedCredentials;
import dev.ferry.policy.TrustCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks and compiles {@code staticClients[].federatedCredentials} (issue 9) at load time, so that
 * a credential naming a missing connector or a broken condition is a config problem reported with
 * all the others, never a refusal at the first request.
 */
final class FederatedCredentialChecks {
  /**
   * Connector types that can verify a client assertion: a JWT whose {@code iss} the connector
   * checks. Of Dex's types only {@code oidc} verifies JWTs; {@code gitlab} verifies opaque tokens
   * through its API.
   */
  private static final String JWT_TYPE = "oidc";

  private final Problems problems;

  FederatedCredentialChecks(Problems problems) {
    this.problems = problems;
  }

  /**
   * @param clients the resolved static clients (ids read from {@code idEnv})
   * @return the credentials that compiled, by client id
   */
  FederatedCredentials check(List<ConnectorConfig> connectors, List<StaticClient> clients) {
    Map<String, ConnectorConfig> byId = new HashMap<>();
    for (ConnectorConfig connector : connectors) {
      byId.putIfAbsent(connector.id(), connector);
    }
    Map<String, List<FederatedCredential>> byClient = new LinkedHashMap<>();
    for (int i = 0; i < clients.size(); i++) {
      StaticClient client = clients.get(i);
      if (client.federatedCredentials().isEmpty()) {
        continue;
      }
      String clientKey = KeyPath.index("staticClients", i);
      String listKey = clientKey + ".federatedCredentials";
      if (client.publicClient()) {
        problems.add(
            listKey,
            "a public client cannot have federatedCredentials: a public client has no credentials,"
                + " remove public: true from client \""
                + client.id()
                + "\"");
      }
      List<FederatedCredential> compiled = new ArrayList<>();
      for (int j = 0; j < client.federatedCredentials().size(); j++) {
        String key = KeyPath.index(listKey, j);
        if (problems.hasAtOrAbove(key, clientKey)) {
          continue; // not a mapping, or a value of the wrong type: binding said so already
        }
        credential(key, client, client.federatedCredentials().get(j), byId)
            .ifPresent(compiled::add);
      }
      byClient.put(client.id(), compiled);
    }
    return new FederatedCredentials(byClient);
  }

  private Optional<FederatedCredential> credential(
      String key,
      StaticClient client,
      FederatedCredentialEntry entry,
      Map<String, ConnectorConfig> connectors) {
    boolean ok = true;
    ConnectorConfig connector = connectors.get(entry.connector());
    if (entry.connector().isEmpty()) {
      problems.add(
          key + ".connector",
          "connector is required: the id of the oidc connector that verifies"
              + " the client's assertions");
      ok = false;
    } else if (connector == null) {
      problems.add(key + ".connector", "unknown connector \"" + entry.connector() + "\"");
      ok = false;
    } else if (!connector.type().equals(JWT_TYPE)) {
      problems.add(
          key + ".connector",
          "connector \""
              + entry.connector()
              + "\" is of type \""
              + connector.type()
              + "\"; a federated credential needs an oidc connector (client assertions are JWTs)");
      ok = false;
    } else if (!client.allowedConnectors().isEmpty()
        && !client.allowedConnectors().contains(entry.connector())) {
      // The token endpoint holds every grant to allowedConnectors; an assertion must not be a way
      // around it.
      problems.add(
          key + ".connector",
          "connector \""
              + entry.connector()
              + "\" is not in the client's allowedConnectors; add it there or use one of "
              + String.join(", ", client.allowedConnectors()));
      ok = false;
    }
    if (entry.subject().isBlank()) {
      problems.add(
          key + ".subject",
          "subject is required: the exact sub of the workload's token, such as"
              + " system:serviceaccount:<namespace>:<name>");
      ok = false;
    }
    // Without a known connector there is no issuer to pin; the connector problem says why.
    Optional<String> issuer = connector == null ? Optional.empty() : connector.upstreamIssuer();
    CredentialCondition.Compiled compiled =
        TrustCompiler.compileCredentialCondition(key, issuer, entry.condition());
    for (String problem : compiled.problems()) {
      int colon = problem.indexOf(": ");
      if (colon > 0 && problem.startsWith(key)) {
        problems.add(problem.substring(0, colon), problem.substring(colon + 2));
      } else {
        problems.add(key + ".condition", problem);
      }
    }
    ok &= compiled.problems().isEmpty();
    return ok
        ? Optional.of(
            new FederatedCredential(entry.connector(), entry.subject(), compiled.condition()))
        : Optional.empty();
  }
}
