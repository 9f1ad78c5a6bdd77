package dev.ferry.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code connectors} as written: Dex's keys plus Ferry's {@code trust} block, which
 * stays absent (not empty) when the key is absent so that a plain Dex config behaves as in Dex.
 */
record ConnectorEntry(
    @Nullable String type,
    @Nullable String id,
    @Nullable String name,
    @Nullable ObjectNode config,
    @Nullable List<String> grantTypes,
    @Nullable TrustSection trust) {

  static ConnectorEntry empty() {
    return new ConnectorEntry(null, null, null, null, null, null);
  }

  ConnectorConfig toConnectorConfig() {
    return new ConnectorConfig(
        type,
        id,
        name,
        config,
        grantTypes,
        trust == null ? Optional.empty() : Optional.of(trust.toTrustConfig()));
  }
}
