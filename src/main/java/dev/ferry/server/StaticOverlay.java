package dev.ferry.server;

import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.StaticPassword;
import dev.ferry.storage.Connector;
import dev.ferry.storage.Password;
import dev.ferry.storage.StaticStorage;
import dev.ferry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the configuration's static entries into storage models and lays them over the storage (Dex:
 * cmd/dex/serve.go). With {@code enablePasswordDB} the built-in {@code local} connector is added,
 * as Dex adds it.
 */
final class StaticOverlay {
  private StaticOverlay() {}

  static Storage overlay(Storage storage, FerryConfig config) {
    List<Connector> connectors = new ArrayList<>();
    for (ConnectorConfig connector : config.connectors()) {
      connectors.add(
          new Connector(
              connector.id(),
              connector.type(),
              connector.name(),
              "",
              connector.config().toString(),
              connector.grantTypes()));
    }
    if (config.enablePasswordDb()) {
      connectors.add(new Connector("local", "local", "Email", "", "{}", List.of()));
    }
    List<Password> passwords =
        config.staticPasswords().stream().map(StaticOverlay::toPassword).toList();
    return new StaticStorage(storage, config.storageClients(), passwords, connectors);
  }

  private static Password toPassword(StaticPassword p) {
    return new Password(
        p.email(),
        p.hash().getBytes(StandardCharsets.UTF_8),
        p.username(),
        p.userId(),
        p.name(),
        p.preferredUsername(),
        p.emailVerified(),
        p.groups());
  }
}
