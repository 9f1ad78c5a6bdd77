package dev.ferry.storage;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The stored objects of one entity, with Dex's semantics (Dex: storage.Storage, one group of its
 * methods per entity). The conformance suite ({@code StorageConformanceTest} in the tests) is the
 * definition of these semantics and runs every operation for every entity on every backend.
 *
 * <ul>
 *   <li>{@link #create} throws {@link AlreadyExistsException} when the key is taken.
 *   <li>{@link #get} returns empty when the key is unknown, and also for a key the backend could
 *       never have stored (a NUL byte or an unpaired surrogate, which PostgreSQL or UTF-8 cannot
 *       hold): such a key is an unknown key, not a failure. Keys compare exactly, case and trailing
 *       spaces included, on every backend.
 *   <li>{@link #update} is an atomic compare-and-swap: the updater receives the current value and
 *       returns the new one; it may be called more than once (a backend retries after a conflict)
 *       so it must be free of side effects. An exception thrown by the updater aborts the update
 *       and propagates unchanged. Unknown keys throw {@link NotFoundException}. An updater that
 *       returns an object with a different key is refused with a {@link StorageException} and
 *       nothing is written.
 *   <li>{@link #delete} throws {@link NotFoundException} for unknown keys.
 *   <li>{@link #list} returns every object, ordered by key.
 *   <li>Any other failure is a {@link StorageException}.
 * </ul>
 */
public interface Repository<K, V> {

  void create(V value);

  Optional<V> get(K key);

  List<V> list();

  void update(K key, UnaryOperator<V> updater);

  void delete(K key);
}
