package dev.ferry.connector;

/**
 * Marker for an opened upstream identity connector. What a connector can do is expressed by the
 * capability interfaces it also implements ({@link TokenIdentityConnector}, later callback,
 * password and refresh), checked with {@code instanceof} where they are used (Dex: connector
 * package). Wrappers must implement the same capabilities as what they wrap.
 */
public interface Connector extends AutoCloseable {

  /**
   * Checks, at the moment of use, that the connector can serve: Dex opens a connector on use and
   * answers a failed open as an unknown connector. A connector whose upstream must be discovered
   * first discovers it now, or reports the last failure while a retry is not due yet. The default
   * is always ready.
   *
   * @throws ConnectorException when the connector cannot be used now
   */
  default void ensureUsable() throws ConnectorException {}

  /** Releases HTTP clients and caches. The default has nothing to release. */
  @Override
  default void close() {}
}
