package dev.ferry.token;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per refresh token id, so that concurrent refreshes of the same token within this replica
 * run one after the other and only the first reaches the connector (an upstream with refresh token
 * reuse detection, such as Okta, Auth0 or Keycloak, revokes the whole family when its refresh token
 * is presented twice, logging the user out).
 *
 * <p>A lock exists only while a request holds or waits for it: each entry counts its users and is
 * removed by the last one, so the map never holds more entries than there are refreshes in flight.
 * The locks are fair (first come, first served) and waiting is bounded. They are taken on request
 * threads (virtual threads), never on the CPU workers: the holder may wait on its upstream.
 */
final class RefreshLocks {
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Duration maxWait;

  RefreshLocks(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /** A held lock; closing it releases the lock. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Waits for the lock of {@code id}.
   *
   * @throws RefreshTokenException with {@link RefreshTokenException.Reason#NOT_ROTATED} when the
   *     wait ran out or was interrupted
   */
  Held acquire(String id) throws RefreshTokenException {
    Entry entry =
        entries.compute(
            id,
            (key, current) -> {
              Entry e = current == null ? new Entry() : current;
              e.users++;
              return e;
            });
    boolean locked = false;
    try {
      locked = entry.lock.tryLock(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!locked) {
        leave(id);
      }
    }
    if (!locked) {
      throw new RefreshTokenException(
          RefreshTokenException.Reason.NOT_ROTATED,
          "gave up waiting for a concurrent refresh of the same token");
    }
    return () -> {
      entry.lock.unlock();
      leave(id);
    };
  }

  /** Entries currently held or waited for (for tests: the map does not grow). */
  int size() {
    return entries.size();
  }

  private void leave(String id) {
    entries.computeIfPresent(id, (key, e) -> --e.users == 0 ? null : e);
  }

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock(true);

    /** Holders and waiters; only changed inside the map's per-key compute. */
    int users;
  }
}
