package dev.ferry.policy;

import java.util.List;
import java.util.Optional;

/** Compiles {@code trust} blocks once, when the configuration is loaded. STUB: being built. */
public final class TrustCompiler {
  private TrustCompiler() {}

  /**
   * @param key the block's key in the file, such as {@code connectors[0].trust}
   * @param upstreamIssuer the connector's upstream issuer URL when known (the {@code oidc}
   *     connector's {@code issuer}), for tenant pinning on shared issuers
   */
  public static CompiledTrust compile(
      String key, Optional<String> upstreamIssuer, TrustConfig config) {
    return new CompiledTrust(Optional.of(new ConnectorTrust(config)), List.of(), List.of());
  }

  /**
   * The warning for a connector without a {@code trust} block on a shared issuer: any tenant of
   * that issuer can exchange tokens for the clients that can use the connector.
   *
   * @param key the connector's key, such as {@code connectors[0]}
   * @param clientIds the clients that can use the connector (those whose {@code allowedConnectors}
   *     is empty or names it)
   * @return empty when the issuer is not shared
   */
  public static Optional<String> unprotectedIssuerWarning(
      String key, String connectorId, Optional<String> upstreamIssuer, List<String> clientIds) {
    return Optional.empty();
  }
}
