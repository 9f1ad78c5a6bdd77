package dev.ferry.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What every backend needs to know about one stored entity, whatever it stores it in: a name for
 * messages, how to get the key of a value, how a key becomes the strings a backend indexes by, and
 * how a value is normalised before it is stored, and when (if ever) a value expires. Each model
 * record declares its own as {@code ENTITY}; the generic repositories and garbage collectors of
 * {@code storage.memory} and {@code storage.sql} need nothing else.
 *
 * <p>Expiry is part of the description so that garbage collection is generic: {@link
 * Storage#garbageCollect} deletes, for every entity with at least one expiry, each value one of
 * whose expiries is strictly before now (Dex: storage/sql/crud.go GarbageCollect, {@code expiry <
 * $1}). An entity with two expiries is collected once either passes: Dex deletes an auth session
 * past its absolute or its idle expiry ({@code absolute_expiry < $1 OR idle_expiry < $1}). The SQL
 * table names the same expiries as columns ({@code Table.Builder.expiry}) and is refused at
 * start-up when their number differs.
 *
 * @param kind the entity's name in messages, e.g. {@code client}
 * @param keyOf the key of a value
 * @param keyParts the key as the strings a backend compares exactly, in key-column order; this is
 *     also where a key is normalised (Dex lower-cases password emails)
 * @param canonical the value as it is stored (a password's email lower-cased)
 * @param expiries the instants after which a value is garbage, in the order the SQL table names
 *     them; empty for an entity that is never collected
 */
public record Entity<K, V>(
    String kind,
    Function<V, K> keyOf,
    Function<K, List<String>> keyParts,
    UnaryOperator<V> canonical,
    List<Function<V, Instant>> expiries) {

  public Entity {
    expiries = List.copyOf(expiries);
  }

  /** An entity that never expires. */
  public Entity(
      String kind,
      Function<V, K> keyOf,
      Function<K, List<String>> keyParts,
      UnaryOperator<V> canonical) {
    this(kind, keyOf, keyParts, canonical, List.of());
  }

  /** An entity keyed by one string that is stored as given. */
  public static <V> Entity<String, V> byId(String kind, Function<V, String> id) {
    return new Entity<>(kind, id, List::of, v -> v);
  }

  /** An entity keyed by a user and a connector (Dex keys both columns). */
  public static <V> Entity<UserConnectorKey, V> byUserAndConnector(
      String kind, Function<V, UserConnectorKey> key) {
    return new Entity<>(kind, key, k -> List.of(k.userId(), k.connectorId()), v -> v);
  }

  /**
   * The same entity with one more expiry: garbage collection deletes a value once this instant (or
   * any other expiry of the value) is strictly before now.
   */
  public Entity<K, V> expiresAt(Function<V, Instant> expiry) {
    List<Function<V, Instant>> all = new ArrayList<>(expiries);
    all.add(expiry);
    return new Entity<>(kind, keyOf, keyParts, canonical, all);
  }

  /** Whether garbage collection looks at this entity at all. */
  public boolean expires() {
    return !expiries.isEmpty();
  }

  /** Whether garbage collection at {@code now} deletes the value: any expiry strictly before. */
  public boolean isExpired(V value, Instant now) {
    return expiries.stream().anyMatch(e -> e.apply(value).isBefore(now));
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
