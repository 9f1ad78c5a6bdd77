package dev.ferry.storage;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What every backend needs to know about one stored entity, whatever it stores it in: a name for
 * messages, how to get the key of a value, how a key becomes the strings a backend indexes by, and
 * how a value is normalised before it is stored. Each model record declares its own as {@code
 * ENTITY}; the generic repositories of {@code storage.memory} and {@code storage.sql} need nothing
 * else.
 *
 * @param kind the entity's name in messages, e.g. {@code client}
 * @param keyOf the key of a value
 * @param keyParts the key as the strings a backend compares exactly, in key-column order; this is
 *     also where a key is normalised (Dex lower-cases password emails)
 * @param canonical the value as it is stored (a password's email lower-cased)
 */
public record Entity<K, V>(
    String kind,
    Function<V, K> keyOf,
    Function<K, List<String>> keyParts,
    UnaryOperator<V> canonical) {

  /** An entity keyed by one string that is stored as given. */
  public static <V> Entity<String, V> byId(String kind, Function<V, String> id) {
    return new Entity<>(kind, id, List::of, v -> v);
  }

  /** An entity keyed by a user and a connector (Dex keys both columns). */
  public static <V> Entity<UserConnectorKey, V> byUserAndConnector(
      String kind, Function<V, UserConnectorKey> key) {
    return new Entity<>(kind, key, k -> List.of(k.userId(), k.connectorId()), v -> v);
  }

  /** The key strings of a value, after it is made canonical. */
  public List<String> partsOf(V value) {
    return keyParts.apply(keyOf.apply(canonical.apply(value)));
  }

  /** The key strings of a key. */
  public List<String> partsOfKey(K key) {
    return keyParts.apply(key);
  }

  /** A human-readable key for messages, e.g. {@code client "abc"}. */
  public String describe(List<String> parts) {
    return kind + " " + parts.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining("/"));
  }

  /** Records would compare their functions; an entity is only ever equal to itself. */
  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return kind;
  }
}
