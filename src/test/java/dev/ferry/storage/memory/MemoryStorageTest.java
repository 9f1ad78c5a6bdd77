package dev.ferry.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.storage.Entity;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.Repository;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageConformanceTest;
import dev.ferry.storage.StorageException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryStorageTest extends StorageConformanceTest {

  /** A stand-in for the next expiring entity (replay records, which expire at the token's exp). */
  record Seen(String jti, Instant exp) {
    static final Entity<String, Seen> ENTITY =
        Entity.byId("seen token", Seen::jti).expiresAt(Seen::exp);
  }

  private static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");

  @Override
  protected Storage newStorage() {
    return new MemoryStorage();
  }

  @Test
  void closedStorageRefusesCalls() {
    Storage closed = new MemoryStorage();
    closed.close();
    assertThatThrownBy(closed.clients()::list)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("closed");
  }

  /** A new expiring entity is stored and garbage collected with no change to this backend. */
  @Test
  void aNewExpiringEntityIsCollectedWithoutBackendChange() {
    Storage memory = new MemoryStorage();
    Repository<String, Seen> seen = memory.repository(Seen.ENTITY);
    seen.create(new Seen("old", T.minusMillis(1)));
    seen.create(new Seen("now", T));
    seen.create(new Seen("later", T.plusMillis(1)));

    GarbageCollection result = memory.garbageCollect(T);

    assertThat(result.deleted()).isEqualTo(Map.of("seen token", 1L));
    assertThat(result.deleted(Seen.ENTITY)).isEqualTo(1);
    assertThat(result.beyondDex()).isEqualTo(Map.of("seen token", 1L));
    assertThat(result.authRequests()).isZero();
    assertThat(seen.get("old")).isEmpty();
    assertThat(seen.get("now")).isPresent();
    assertThat(seen.get("later")).isPresent();
    memory.close();
  }
}
