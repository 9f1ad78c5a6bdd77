package dev.ferry.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Serves the clients, passwords and connectors of the config file over a storage (Dex:
 * storage/static.go, WithStaticClients / WithStaticPasswords / WithStaticConnectors).
 *
 * <p>A static object shadows a stored one with the same key: reads return the static one and lists
 * carry it once, in place of the stored one. Static objects are read-only: creating, updating or
 * deleting one throws a {@link StorageException} saying so, as Dex does. Everything else passes
 * straight through to the wrapped storage ({@link ForwardingStorage}). Keys are compared as the
 * entity's {@link Entity#keyParts} compare them, so password emails match case-insensitively.
 */
public final class StaticStorage extends ForwardingStorage {

  private final Map<Entity<?, ?>, Overlay<?, ?>> overlays = new LinkedHashMap<>();

  public StaticStorage(
      Storage base, List<Client> clients, List<Password> passwords, List<Connector> connectors) {
    super(base);
    overlay(base, Client.ENTITY, clients, "client id");
    overlay(base, Password.ENTITY, passwords, "password email");
    overlay(base, Connector.ENTITY, connectors, "connector id");
  }

  private <K, V> void overlay(Storage base, Entity<K, V> entity, List<V> statics, String what) {
    overlays.put(entity, new Overlay<>(entity, base.repository(entity), statics, what));
  }

  @Override
  public <K, V> Repository<K, V> repository(Entity<K, V> entity) {
    Overlay<?, ?> overlay = overlays.get(entity);
    if (overlay == null) {
      return super.repository(entity);
    }
    // The map holds each overlay under its own entity, so the types agree.
    @SuppressWarnings("unchecked")
    Repository<K, V> typed = (Repository<K, V>) overlay;
    return typed;
  }

  /** Static values of one entity in front of the stored ones. */
  private static final class Overlay<K, V> implements Repository<K, V> {
    private final Entity<K, V> entity;
    private final Repository<K, V> base;
    private final Map<List<String>, V> statics;

    Overlay(Entity<K, V> entity, Repository<K, V> base, List<V> values, String what) {
      this.entity = entity;
      this.base = base;
      Map<List<String>, V> out = new LinkedHashMap<>();
      for (V v : values) {
        V canonical = entity.canonical().apply(v);
        List<String> key = entity.partsOf(canonical);
        if (out.putIfAbsent(key, canonical) != null) {
          throw new IllegalArgumentException(
              "duplicate static " + what + " \"" + String.join("/", key) + "\"");
        }
      }
      this.statics = Collections.unmodifiableMap(out);
    }

    private void checkWritable(List<String> key, String action) {
      if (statics.containsKey(key)) {
        throw new StorageException(
            "static "
                + entity.kind()
                + "s: read-only, cannot "
                + action
                + " static "
                + entity.kind()
                + " \""
                + String.join("/", key)
                + "\"");
      }
    }

    @Override
    public void create(V value) {
      checkWritable(entity.partsOf(value), "create");
      base.create(value);
    }

    @Override
    public Optional<V> get(K key) {
      V v = statics.get(entity.partsOfKey(key));
      return v != null ? Optional.of(v) : base.get(key);
    }

    /** Stored objects without those a static one shadows, then the static ones. */
    @Override
    public List<V> list() {
      List<V> stored = base.list();
      List<V> out = new ArrayList<>(stored.size() + statics.size());
      for (V v : stored) {
        if (!statics.containsKey(entity.partsOf(v))) {
          out.add(v);
        }
      }
      out.addAll(statics.values());
      return List.copyOf(out);
    }

    @Override
    public void update(K key, UnaryOperator<V> updater) {
      checkWritable(entity.partsOfKey(key), "update");
      base.update(key, updater);
    }

    @Override
    public void delete(K key) {
      checkWritable(entity.partsOfKey(key), "delete");
      base.delete(key);
    }
  }
}
