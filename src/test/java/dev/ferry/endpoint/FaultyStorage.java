package dev.ferry.endpoint;

import dev.ferry.storage.Entity;
import dev.ferry.storage.ForwardingStorage;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.Keys;
import dev.ferry.storage.Repository;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A storage that forwards to a real one but fails chosen calls with {@link StorageException}, as a
 * database that went away would. The fault can be switched on and off.
 */
public final class FaultyStorage extends ForwardingStorage {

  private final AtomicBoolean enabled;
  private final BiPredicate<String, @Nullable Object> failWhen;

  private FaultyStorage(
      Storage delegate, AtomicBoolean enabled, BiPredicate<String, @Nullable Object> failWhen) {
    super(delegate);
    this.enabled = enabled;
    this.failWhen = failWhen;
  }

  /**
   * @param failWhen given the operation and its first argument (or null), whether to fail; an
   *     operation is named as the storage methods were before repositories: the repository method
   *     followed by the entity, e.g. {@code getClient} or {@code createAuthRequest}, or {@code
   *     getKeys}, {@code updateKeys}, {@code garbageCollect}
   */
  public static Storage wrap(
      Storage delegate, AtomicBoolean enabled, BiPredicate<String, @Nullable Object> failWhen) {
    return new FaultyStorage(delegate, enabled, failWhen);
  }

  private void check(String operation, @Nullable Object argument) {
    if (enabled.get() && failWhen.test(operation, argument)) {
      throw new StorageException("database is down");
    }
  }

  @Override
  public <K, V> Repository<K, V> repository(Entity<K, V> entity) {
    Repository<K, V> real = super.repository(entity);
    StringBuilder name = new StringBuilder();
    for (String word : entity.kind().split(" ")) {
      name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    String kind = name.toString();
    return new Repository<>() {
      @Override
      public void create(V value) {
        check("create" + kind, value);
        real.create(value);
      }

      @Override
      public Optional<V> get(K key) {
        check("get" + kind, key);
        return real.get(key);
      }

      @Override
      public List<V> list() {
        check("list" + kind, null);
        return real.list();
      }

      @Override
      public void update(K key, UnaryOperator<V> updater) {
        check("update" + kind, key);
        real.update(key, updater);
      }

      @Override
      public void delete(K key) {
        check("delete" + kind, key);
        real.delete(key);
      }
    };
  }

  @Override
  public Optional<Keys> getKeys() {
    check("getKeys", null);
    return super.getKeys();
  }

  @Override
  public void updateKeys(KeysUpdater updater) {
    check("updateKeys", null);
    super.updateKeys(updater);
  }

  @Override
  public GarbageCollection garbageCollect(Instant now) {
    check("garbageCollect", now);
    return super.garbageCollect(now);
  }
}
