package dev.ferry.endpoint;

import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.upstream.IssuerClaim;
import dev.ferry.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@link IssuerDirectory} over the stored connectors: each is opened through the connector
 * cache and asked for the issuer it verifies. A connector that cannot be opened vouches for
 * nothing.
 *
 * <p>Listing the connectors reads the database (the configured ones are in memory, but connectors
 * created through the API are not), so the answer is kept for {@link #REFRESH}: the token path
 * stays free of storage reads in steady state. A connector added through the API is routable by
 * issuer after at most that long; one removed meanwhile fails when the request opens it, as an
 * unknown {@code connector_id} does.
 */
public final class ConnectorIssuers implements IssuerDirectory {
  /** How long one listing of the connectors' issuers is used. */
  public static final Duration REFRESH = Duration.ofSeconds(10);

  private record Snapshot(Map<String, String> issuerById, Instant until) {}

  private final Storage storage;
  private final ConnectorLookup connectors;
  private final Clock clock;
  private volatile @Nullable Snapshot snapshot;

  public ConnectorIssuers(Storage storage, ConnectorLookup connectors, Clock clock) {
    this.storage = storage;
    this.connectors = connectors;
    this.clock = clock;
  }

  @Override
  public List<String> connectorsFor(String issuer) {
    List<String> ids = new ArrayList<>();
    current()
        .issuerById()
        .forEach((id, tokenIssuer) -> {
          if (IssuerClaim.matches(tokenIssuer, issuer)) {
            ids.add(id);
          }
        });
    return List.copyOf(ids);
  }

  private Snapshot current() {
    Instant now = clock.instant();
    Snapshot held = snapshot;
    if (held != null && now.isBefore(held.until())) {
      return held;
    }
    // Two requests may both list at the expiry instant; the result is the same, so no lock.
    Map<String, String> issuers = new LinkedHashMap<>();
    for (dev.ferry.storage.Connector definition : storage.connectors().list()) {
      Optional<OpenedConnector> opened = connectors.get(definition.id());
      if (opened.isPresent() && opened.get().connector() instanceof TokenIdentityConnector tokens) {
        tokens.tokenIssuer().ifPresent(tokenIssuer -> issuers.put(definition.id(), tokenIssuer));
      }
    }
    Snapshot fresh = new Snapshot(Collections.unmodifiableMap(issuers), now.plus(REFRESH));
    snapshot = fresh;
    return fresh;
  }
}
