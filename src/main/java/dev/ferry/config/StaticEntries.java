package dev.ferry.config;

import dev.ferry.oauth2.GrantTypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks and resolves the lists of the file: {@code connectors}, {@code staticClients} and {@code
 * staticPasswords} (Dex: {@code serve} and {@code password.UnmarshalJSON}). Dex stops at the first
 * bad entry; this records every one, keyed by its index.
 */
final class StaticEntries {
  /** Dex's mock callback connector has no settings, so it needs no {@code config}. */
  private static final String NO_CONFIG_TYPE = "mockCallback";

  private final Map<String, String> env;
  private final List<String> connectorTypes;
  private final Problems problems;

  StaticEntries(Map<String, String> env, List<String> connectorTypes, Problems problems) {
    this.env = env;
    this.connectorTypes = connectorTypes;
    this.problems = problems;
  }

  List<ConnectorConfig> connectors(List<ConnectorConfig> connectors, Set<Integer> withoutConfig) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < connectors.size(); i++) {
      ConnectorConfig c = connectors.get(i);
      String key = KeyPath.index("connectors", i);
      if (problems.has(key)) {
        continue; // not a mapping: its fields would only repeat that
      }
      if (c.id().isEmpty() || c.type().isEmpty() || c.name().isEmpty()) {
        problems.add(key, "ID, Type and Name fields are required for a connector");
      }
      if (!c.type().isEmpty() && !connectorTypes.contains(c.type())) {
        problems.add(key + ".type", "unknown connector type \"" + c.type() + "\"");
      }
      if (withoutConfig.contains(i) && !c.type().equals(NO_CONFIG_TYPE)) {
        problems.add(key + ".config", "no config field for connector \"" + c.id() + "\"");
      }
      List<String> grantTypes = c.grantTypes();
      for (int j = 0; j < grantTypes.size(); j++) {
        if (!GrantTypes.CONNECTOR_GRANT_TYPES.contains(grantTypes.get(j))) {
          problems.add(
              KeyPath.index(key + ".grantTypes", j),
              "unknown grant type \"" + grantTypes.get(j) + "\" for connector \"" + c.id() + "\"");
        }
      }
      // Two connectors with one id would shadow each other in storage.
      if (!c.id().isEmpty() && !ids.add(c.id())) {
        problems.add(key + ".id", "duplicate connector ID \"" + c.id() + "\"");
      }
    }
    return connectors;
  }

  /** Checks each client, then reads {@code idEnv} and {@code secretEnv} (unset means ""). */
  List<StaticClient> clients(List<StaticClient> clients) {
    List<StaticClient> resolved = new ArrayList<>(clients.size());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < clients.size(); i++) {
      StaticClient c = clients.get(i);
      String key = KeyPath.index("staticClients", i);
      if (problems.has(key)) {
        resolved.add(c);
        continue;
      }
      if (c.name().isEmpty()) {
        problems.add(key + ".name", "Name field is required for a client");
      }
      String id = c.id();
      if (c.id().isEmpty() && c.idEnv().isEmpty()) {
        problems.add(key + ".id", "ID or IDEnv field is required for a client");
      } else if (!c.idEnv().isEmpty()) {
        if (!c.id().isEmpty()) {
          problems.add(
              key + ".idEnv", "ID and IDEnv fields are exclusive for client \"" + c.id() + "\"");
        }
        id = env.getOrDefault(c.idEnv(), "");
      }
      // A client with federated credentials authenticates with an upstream JWT instead (Ferry).
      if (c.secret().isEmpty()
          && c.secretEnv().isEmpty()
          && !c.publicClient()
          && c.federatedCredentials().isEmpty()) {
        problems.add(
            key + ".secret", "Secret or SecretEnv field is required for client \"" + id + "\"");
      }
      String secret = c.secret();
      if (!c.secretEnv().isEmpty()) {
        if (!c.secret().isEmpty()) {
          problems.add(
              key + ".secretEnv",
              "Secret and SecretEnv fields are exclusive for client \"" + id + "\"");
        }
        secret = env.getOrDefault(c.secretEnv(), "");
      }
      if (!StaticClient.REFRESH_TOKEN_LIFETIMES.contains(c.refreshTokenLifetime())) {
        problems.add(
            key + ".refreshTokenLifetime",
            "invalid refreshTokenLifetime \""
                + c.refreshTokenLifetime()
                + "\" for client \""
                + id
                + "\", expected \"standalone\" or \"session\"");
      }
      // A second client with the same id would be unreachable.
      if (!id.isEmpty() && !ids.add(id)) {
        problems.add(key + ".id", "duplicate client ID \"" + id + "\"");
      }
      resolved.add(c.withIdAndSecret(id, secret));
    }
    return List.copyOf(resolved);
  }

  /** Reads {@code hashFromEnv} when {@code hash} is empty and decodes each hash. */
  List<StaticPassword> passwords(List<StaticPassword> passwords) {
    List<StaticPassword> resolved = new ArrayList<>(passwords.size());
    for (int i = 0; i < passwords.size(); i++) {
      StaticPassword p = passwords.get(i);
      if (problems.has(KeyPath.index("staticPasswords", i))) {
        resolved.add(p);
        continue;
      }
      String key = KeyPath.index("staticPasswords", i) + ".hash";
      String hash = p.hash();
      if (hash.isEmpty() && !p.hashFromEnv().isEmpty()) {
        hash = env.getOrDefault(p.hashFromEnv(), "");
      }
      if (hash.isEmpty()) {
        problems.add(key, "no password hash provided");
      } else {
        try {
          hash = Bcrypt.decode(hash);
        } catch (IllegalArgumentException e) {
          problems.add(key, String.valueOf(e.getMessage()));
        }
      }
      resolved.add(p.withHash(hash));
    }
    return List.copyOf(resolved);
  }

  /** MFA authenticators need an id and a known type; chains may only name those ids. */
  void checkMfaReferences(MfaConfig mfa, List<StaticClient> clients) {
    Set<String> ids = new HashSet<>();
    List<MfaAuthenticator> authenticators = mfa.authenticators();
    for (int i = 0; i < authenticators.size(); i++) {
      MfaAuthenticator a = authenticators.get(i);
      String key = KeyPath.index("mfa.authenticators", i);
      if (a.id().isEmpty()) {
        problems.add(key + ".id", "id is required for an MFA authenticator");
      } else if (!ids.add(a.id())) {
        problems.add(key + ".id", "duplicate MFA authenticator ID \"" + a.id() + "\"");
      }
      if (!MfaAuthenticator.TYPES.contains(a.type())) {
        problems.add(
            key + ".type",
            "unknown MFA authenticator type \"" + a.type() + "\", expected TOTP or WebAuthn");
      }
    }
    checkChain("mfa.defaultMFAChain", mfa.defaultMfaChain(), ids);
    for (int i = 0; i < clients.size(); i++) {
      checkChain(KeyPath.index("staticClients", i) + ".mfaChain", clients.get(i).mfaChain(), ids);
    }
  }

  private void checkChain(String key, List<String> chain, Set<String> ids) {
    for (int i = 0; i < chain.size(); i++) {
      if (!ids.contains(chain.get(i))) {
        problems.add(KeyPath.index(key, i), "unknown MFA authenticator \"" + chain.get(i) + "\"");
      }
    }
  }
}
