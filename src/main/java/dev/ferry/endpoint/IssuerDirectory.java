package dev.ferry.endpoint;

import java.util.List;

/**
 * Which connectors vouch for tokens of an issuer: the token-capable connectors whose {@link
 * dev.ferry.connector.TokenIdentityConnector#tokenIssuer} it names, by the rule the connectors'
 * verifier applies ({@link dev.ferry.connector.upstream.IssuerClaim#matches}: exactly, or Google's
 * short issuer). It routes an RFC 7523 assertion sent without {@code connector_id}; the caller
 * decides what none or several mean.
 */
@FunctionalInterface
public interface IssuerDirectory {

  /**
   * The connector ids, in configuration order. May throw {@link
   * dev.ferry.storage.StorageException}.
   */
  List<String> connectorsFor(String issuer);
}
