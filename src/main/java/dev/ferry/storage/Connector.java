package dev.ferry.storage;

import java.util.List;

/**
 * A stored connector definition (Dex: storage.Connector). {@code config} is the connector's JSON
 * configuration; {@code resourceVersion} changes whenever it does so that opened connectors are
 * reopened. An empty {@code grantTypes} allows every grant (Dex HEAD).
 */
public record Connector(
    String id,
    String type,
    String name,
    String resourceVersion,
    String config,
    List<String> grantTypes) {
  /** How every backend stores this record. */
  public static final Entity<String, Connector> ENTITY = Entity.byId("connector", Connector::id);

  public Connector {
    grantTypes = List.copyOf(grantTypes);
  }
}
