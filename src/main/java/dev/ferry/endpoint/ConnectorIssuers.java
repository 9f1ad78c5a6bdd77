package dev.ferry.endpoint;

import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link IssuerDirectory} over the stored connectors: each is opened through the connector
 * cache (already open in steady state) and asked for the issuer it verifies. A connector that
 * cannot be opened vouches for nothing.
 */
public final class ConnectorIssuers implements IssuerDirectory {
  private final Storage storage;
  private final ConnectorLookup connectors;

  public ConnectorIssuers(Storage storage, ConnectorLookup connectors) {
    this.storage = storage;
    this.connectors = connectors;
  }

  @Override
  public List<String> connectorsFor(String issuer) {
    List<String> ids = new ArrayList<>();
    for (dev.ferry.storage.Connector definition : storage.connectors().list()) {
      Optional<OpenedConnector> opened = connectors.get(definition.id());
      if (opened.isPresent()
          && opened.get().connector() instanceof TokenIdentityConnector tokens
          && tokens.tokenIssuer().filter(issuer::equals).isPresent()) {
        ids.add(definition.id());
      }
    }
    return List.copyOf(ids);
  }
}
