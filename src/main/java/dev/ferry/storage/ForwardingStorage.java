package dev.ferry.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * A storage that passes every call to another one. A decorator extends it and overrides only what
 * it changes: {@link StaticStorage} overlays three repositories, a fault-injecting test storage
 * wraps {@link #repository}. A new entity passes through without any change here.
 */
public abstract class ForwardingStorage implements Storage {

  private final Storage delegate;

  protected ForwardingStorage(Storage delegate) {
    this.delegate = delegate;
  }

  protected final Storage delegate() {
    return delegate;
  }

  @Override
  public <K, V> Repository<K, V> repository(Entity<K, V> entity) {
    return delegate.repository(entity);
  }

  @Override
  public Optional<Keys> getKeys() {
    return delegate.getKeys();
  }

  @Override
  public void updateKeys(KeysUpdater updater) {
    delegate.updateKeys(updater);
  }

  @Override
  public GarbageCollection garbageCollect(Instant now) {
    return delegate.garbageCollect(now);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
