package dev.ferry.connector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connector types Ferry knows: the ones Dex knows, and for each type Ferry serves its factory.
 * {@code serve} opens connectors through it, {@code config check} validates their configs through
 * it, and config loading refuses a type it does not know. Adding a connector type is its package
 * plus one factory in the list the composition root hands to this registry.
 *
 * <p>A type Dex knows that Ferry does not serve opens as a connector with no capabilities: the
 * connector exists for the policy checks, and every grant then finds it lacks the capability it
 * needs, exactly as Dex treats e.g. a {@code github} connector in a token exchange.
 */
public final class ConnectorRegistry {

  /** Connector types Dex knows (Dex: server/server.go {@code ConnectorsConfig}). */
  public static final List<String> DEX_TYPES =
      List.of(
          "oidc",
          "github",
          "gitlab",
          "google",
          "microsoft",
          "ldap",
          "saml",
          "samlExperimental",
          "oauth",
          "authproxy",
          "keystone",
          "gitea",
          "bitbucket-cloud",
          "openshift",
          "atlassian-crowd",
          "linkedin",
          "mockCallback",
          "mockPassword");

  private final Map<String, ConnectorFactory> factories = new LinkedHashMap<>();

  /**
   * @throws IllegalArgumentException when two factories serve one type
   */
  public ConnectorRegistry(List<? extends ConnectorFactory> factories) {
    for (ConnectorFactory factory : factories) {
      if (this.factories.putIfAbsent(factory.type(), factory) != null) {
        throw new IllegalArgumentException("two connector factories for type " + factory.type());
      }
    }
  }

  /**
   * Every type a config may name: Dex's, then any configurable one Ferry serves beyond them (not
   * the built-in {@code local}).
   */
  public List<String> knownTypes() {
    List<String> known = new ArrayList<>(DEX_TYPES);
    factories.values().stream()
        .filter(factory -> factory.configurable() && !DEX_TYPES.contains(factory.type()))
        .forEach(factory -> known.add(factory.type()));
    return List.copyOf(known);
  }

  /** The types Ferry has a factory for, in registration order. */
  public List<String> servedTypes() {
    return List.copyOf(factories.keySet());
  }

  /**
   * Whether Ferry has a factory for this type (as opposed to a type Dex knows but Ferry does not).
   */
  public boolean serves(String type) {
    return factories.containsKey(type);
  }

  /**
   * Every problem in a connector's config, each naming its key; empty for a type Ferry does not
   * serve, whose config nothing reads.
   */
  public List<String> validate(String type, String configJson) {
    ConnectorFactory factory = factories.get(type);
    return factory == null ? List.of() : factory.validate(configJson);
  }

  /**
   * Opens a connector of {@code type}; one with no capabilities when Ferry does not serve the type.
   *
   * @throws ConnectorException when the served type's factory cannot open it
   */
  public Connector open(String connectorId, String type, String configJson)
      throws ConnectorException {
    ConnectorFactory factory = factories.get(type);
    if (factory == null) {
      return new Connector() {};
    }
    return factory.open(connectorId, configJson);
  }
}
