package dev.ferry.storage.memory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageConformanceTest;
import dev.ferry.storage.StorageException;
import org.junit.jupiter.api.Test;

class MemoryStorageTest extends StorageConformanceTest {

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
}
