package dev.ferry.storage.memory;

import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.Entity;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.Keys;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.Repository;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An in-process {@link Storage} (Dex: storage/memory).
 *
 * <p>Design note: one generic {@link MemoryRepository} serves every entity from its {@link Entity}
 * description, so a new entity needs no change here. One lock guards every map, exactly as Dex's
 * memory storage holds one mutex for every call. An update runs the updater while holding the lock,
 * so a compare-and-swap can never lose a write and the updater runs exactly once here (the
 * interface still allows more). Records are immutable apart from their {@code byte[]} fields, which
 * callers must treat as read-only. Each map is ordered by key, so lists come back in key order.
 */
public final class MemoryStorage implements Storage {

  /** Orders keys part by part, as SQL's {@code order by} over the key columns does. */
  private static final Comparator<List<String>> KEY_ORDER =
      (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
          int c = a.get(i).compareTo(b.get(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(a.size(), b.size());
      };

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Entity<?, ?>, MemoryRepository<?, ?>> repositories = new HashMap<>();
  private @Nullable Keys keys;
  private boolean closed;

  public MemoryStorage() {}

  @Override
  public <K, V> Repository<K, V> repository(Entity<K, V> entity) {
    return table(entity);
  }

  private <K, V> MemoryRepository<K, V> table(Entity<K, V> entity) {
    lock.lock();
    try {
      // Each repository is stored under its own entity, so the types agree.
      @SuppressWarnings("unchecked")
      MemoryRepository<K, V> repo =
          (MemoryRepository<K, V>)
              repositories.computeIfAbsent(entity, e -> new MemoryRepository<>(entity));
      return repo;
    } finally {
      lock.unlock();
    }
  }

  // ---- keys singleton

  @Override
  public Optional<Keys> getKeys() {
    lock.lock();
    try {
      checkOpen();
      return Optional.ofNullable(keys);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void updateKeys(KeysUpdater updater) {
    lock.lock();
    try {
      checkOpen();
      Keys next = updater.update(Optional.ofNullable(keys));
      keys = requireResult(next, "keys");
    } finally {
      lock.unlock();
    }
  }

  // ---- garbage collection (Dex: storage/memory/memory.go GarbageCollect, strictly before now)

  /**
   * Collects every entity whose description {@link Entity#expires()}, generically. An entity that
   * was never used has no repository yet and nothing to delete.
   */
  @Override
  public GarbageCollection garbageCollect(Instant now) {
    lock.lock();
    try {
      checkOpen();
      Map<String, Long> deleted = new LinkedHashMap<>();
      for (MemoryRepository<?, ?> repo : repositories.values()) {
        if (repo.entity.expires()) {
          deleted.put(repo.entity.kind(), repo.removeExpired(now));
        }
      }
      return new GarbageCollection(deleted);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  private static <V> V requireResult(@Nullable V value, String kind) {
    if (value == null) {
      throw new StorageException("updater returned null for " + kind);
    }
    return value;
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException("memory storage is closed");
    }
  }

  /** The objects of one entity, under the storage's lock. */
  private final class MemoryRepository<K, V> implements Repository<K, V> {
    private final Entity<K, V> entity;
    private final TreeMap<List<String>, V> values = new TreeMap<>(KEY_ORDER);

    MemoryRepository(Entity<K, V> entity) {
      this.entity = entity;
    }

    @Override
    public void create(V value) {
      V canonical = entity.canonical().apply(value);
      List<String> key = entity.partsOf(canonical);
      lock.lock();
      try {
        checkOpen();
        if (values.containsKey(key)) {
          throw new AlreadyExistsException(entity.describe(key));
        }
        values.put(key, canonical);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public Optional<V> get(K key) {
      List<String> parts = entity.partsOfKey(key);
      lock.lock();
      try {
        checkOpen();
        return Optional.ofNullable(values.get(parts));
      } finally {
        lock.unlock();
      }
    }

    @Override
    public List<V> list() {
      lock.lock();
      try {
        checkOpen();
        return List.copyOf(values.values());
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void update(K key, UnaryOperator<V> updater) {
      List<String> parts = entity.partsOfKey(key);
      lock.lock();
      try {
        checkOpen();
        V current = values.get(parts);
        if (current == null) {
          throw new NotFoundException(entity.describe(parts));
        }
        V next = entity.canonical().apply(requireResult(updater.apply(current), entity.kind()));
        // An updater that renames its object would silently fork it; Dex's SQL backend ignores the
        // new key, so reject it instead of guessing which key the caller meant.
        if (!entity.partsOf(next).equals(parts)) {
          throw new StorageException("updater changed the key of " + entity.describe(parts));
        }
        values.put(parts, next);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void delete(K key) {
      List<String> parts = entity.partsOfKey(key);
      lock.lock();
      try {
        checkOpen();
        if (values.remove(parts) == null) {
          throw new NotFoundException(entity.describe(parts));
        }
      } finally {
        lock.unlock();
      }
    }

    /** Called with the lock held. */
    long removeExpired(Instant now) {
      long before = values.size();
      values.values().removeIf(v -> entity.isExpired(v, now));
      return before - values.size();
    }
  }
}
