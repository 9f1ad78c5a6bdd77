package dev.ferry.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
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
 */
public record ConnectorConfig(
    String type, String id, String name, ObjectNode config, List<String> grantTypes) {

  public ConnectorConfig(
      @Nullable String type,
      @Nullable String id,
      @Nullable String name,
      @Nullable ObjectNode config,
      @Nullable List<String> grantTypes) {
    this.type = Defaults.str(type);
    this.id = Defaults.str(id);
    this.name = Defaults.str(name);
    this.config = config == null ? JsonNodeFactory.instance.objectNode() : config.deepCopy();
    this.grantTypes = Defaults.strings(grantTypes);
  }

  static ConnectorConfig empty() {
    return new ConnectorConfig(null, null, null, null, null);
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
}
