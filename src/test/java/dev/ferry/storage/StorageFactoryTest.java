package dev.ferry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.storage.memory.MemoryBackend;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.storage.sql.SqlBackend;
import dev.ferry.storage.sql.SqlStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageFactoryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static StorageFactory factory() {
    List<StorageBackend> backends = new ArrayList<>();
    backends.add(new MemoryBackend());
    backends.addAll(SqlBackend.all());
    return new StorageFactory(backends);
  }

  @Test
  void registersDexTypesInOrder() {
    assertThat(factory().types()).containsExactly("memory", "sqlite3", "postgres", "mysql");
  }

  @Test
  void opensMemory() {
    try (Storage s = factory().open("memory", JSON.createObjectNode())) {
      assertThat(s).isInstanceOf(MemoryStorage.class);
    }
  }

  @Test
  void opensSqliteFromDexConfig(@TempDir Path dir) {
    ObjectNode config = JSON.createObjectNode().put("file", dir.resolve("dex.db").toString());
    assertThat(factory().validate("sqlite3", config)).isEmpty();
    try (Storage s = factory().open("sqlite3", config)) {
      assertThat(s).isInstanceOf(SqlStorage.class);
      s.clients().create(Client.of("c", "s", "n"));
    }
    try (Storage s = factory().open("sqlite3", config)) {
      assertThat(s.clients().get("c")).isPresent();
    }
  }

  @ParameterizedTest(name = "type=[{0}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "etcd|not supported by Ferry yet; use one of memory, sqlite3, postgres, mysql",
        "kubernetes|not supported by Ferry yet",
        "mongodb|unknown storage type \"mongodb\"",
        "''|no storage type given",
      })
  void unsupportedTypesAreClearErrors(String type, String message) {
    assertThat(factory().validate(type, JSON.createObjectNode()))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("storage.type: ").contains(message));
    assertThatThrownBy(() -> factory().open(type, JSON.createObjectNode()))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void invalidConfigListsEveryProblem() {
    ObjectNode config = JSON.createObjectNode().put("port", "x").put("maxOpenConns", -3);
    assertThat(factory().validate("postgres", config)).hasSize(2);
    assertThatThrownBy(() -> factory().open("postgres", config))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("storage.config.port")
        .hasMessageContaining("storage.config.maxOpenConns");
  }

  @Test
  void duplicateBackendsAreRejected() {
    assertThatThrownBy(() -> new StorageFactory(List.of(new MemoryBackend(), new MemoryBackend())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
