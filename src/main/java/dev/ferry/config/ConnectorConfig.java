package dev.ferry.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.policy.TrustConfig;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code connectors}: an upstream identity provider (Dex: {@code Connector}). The
 * connector package parses {@code config} for its type; its string values are already
 * environment-expanded.
 *
 * @param type a connector type Ferry knows ({@code ConnectorRegistry#knownTypes})
 * @param config the connector's settings, never null (empty when absent)
 * @param grantTypes grants this connector serves (Dex HEAD); empty means all. Only the names in
 *     {@link dev.ferry.oauth2.GrantTypes#CONNECTOR_GRANT_TYPES} are accepted
 * @param trust the connector's {@code trust} block (Ferry's extension, issue 8), as written; absent
 *     when the key is absent, which keeps Dex's behaviour: any valid token of the issuer can be
 *     exchanged
 */
public record ConnectorConfig(
    String type,
    String id,
    String name,
    ObjectNode config,
    List<String> grantTypes,
    Optional<TrustConfig> trust) {

  public ConnectorConfig(
      @Nullable String type,
      @Nullable String id,
      @Nullable String name,
      @Nullable ObjectNode config,
      @Nullable List<String> grantTypes,
      Optional<TrustConfig> trust) {
    this.type = Defaults.str(type);
    this.id = Defaults.str(id);
    this.name = Defaults.str(name);
    this.config = config == null ? JsonNodeFactory.instance.objectNode() : config.deepCopy();
    this.grantTypes = Defaults.strings(grantTypes);
    this.trust = trust;
  }

  /** A connector without a {@code trust} block, as every Dex config has. */
  public ConnectorConfig(
      @Nullable String type,
      @Nullable String id,
      @Nullable String name,
      @Nullable ObjectNode config,
      @Nullable List<String> grantTypes) {
    this(type, id, name, config, grantTypes, Optional.empty());
  }

  /** A copy, so that no caller can change the loaded config. */
  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** Leaves out {@code config}, which may hold a client secret. */
  @Override
  public String toString() {
    return "ConnectorConfig[type=" + type + ", id=" + id + ", name=" + name + "]";
  }

  /**
   * The upstream issuer URL this connector verifies tokens of, when its type names one in its
   * config (the {@code oidc} connector's {@code issuer}): what tenant pinning is decided on.
   */
  public Optional<String> upstreamIssuer() {
    return TrustBlocks.upstreamIssuer(this);
  }
}
