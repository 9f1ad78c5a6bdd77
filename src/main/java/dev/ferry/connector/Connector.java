package dev.ferry.connector;

/**
 * Marker for an opened upstream identity connector. What a connector can do is expressed by the
 * capability interfaces it also implements ({@link TokenIdentityConnector}, later callback,
 * password and refresh), checked with {@code instanceof} where they are used (Dex: connector
 * package). Wrappers must implement the same capabilities as what they wrap.
 */
public interface Connector extends AutoCloseable {

  /** Releases HTTP clients and caches. The default has nothing to release. */
  @Override
  default void close() {}
}
