package dev.ferry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.storage.memory.MemoryStorage;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StaticStorageTest {

  private static final Client STATIC_CLIENT = Client.of("shared", "static-secret", "Static");
  private static final Password STATIC_PASSWORD =
      StorageFixtures.password("Admin@Example.com", true);
  private static final Connector STATIC_CONNECTOR = StorageFixtures.connector("upstream", true);

  private MemoryStorage base;
  private StaticStorage storage;

  @BeforeEach
  void setUp() {
    base = new MemoryStorage();
    // Stored objects whose keys clash with static ones, and ones that do not.
    base.clients().create(Client.of("shared", "stored-secret", "Stored"));
    base.clients().create(Client.of("dynamic", "s", "Dynamic"));
    base.passwords().create(StorageFixtures.password("admin@example.com", false));
    base.passwords().create(StorageFixtures.password("user@example.com", false));
    base.connectors().create(StorageFixtures.connector("upstream", false));
    base.connectors().create(StorageFixtures.connector("other", false));
    storage =
        new StaticStorage(
            base, List.of(STATIC_CLIENT), List.of(STATIC_PASSWORD), List.of(STATIC_CONNECTOR));
  }

  @Test
  void staticShadowsStoredOnReadAndList() {
    assertThat(storage.clients().get("shared")).contains(STATIC_CLIENT);
    assertThat(storage.clients().get("dynamic")).isPresent();
    assertThat(storage.clients().list())
        .extracting(Client::name)
        .containsExactlyInAnyOrder("Static", "Dynamic");

    Password admin = storage.passwords().get("ADMIN@example.COM").orElseThrow();
    assertThat(admin.username()).isEqualTo(STATIC_PASSWORD.username());
    assertThat(admin.email()).isEqualTo("admin@example.com");
    assertThat(storage.passwords().list())
        .extracting(Password::email)
        .containsExactlyInAnyOrder("admin@example.com", "user@example.com");
    assertThat(storage.passwords().list())
        .filteredOn(p -> p.email().equals("admin@example.com"))
        .singleElement()
        .extracting(Password::username)
        .isEqualTo(STATIC_PASSWORD.username());

    assertThat(storage.connectors().get("upstream")).contains(STATIC_CONNECTOR);
    assertThat(storage.connectors().list())
        .extracting(Connector::id)
        .containsExactlyInAnyOrder("upstream", "other");
  }

  static Stream<Arguments> writesToStaticObjects() {
    return Stream.<Arguments>of(
        Arguments.of("create client", (Consumer<Storage>) s -> s.clients().create(STATIC_CLIENT)),
        Arguments.of(
            "update client", (Consumer<Storage>) s -> s.clients().update("shared", c -> c)),
        Arguments.of("delete client", (Consumer<Storage>) s -> s.clients().delete("shared")),
        Arguments.of(
            "create password",
            (Consumer<Storage>)
                s -> s.passwords().create(StorageFixtures.password("ADMIN@EXAMPLE.COM", false))),
        Arguments.of(
            "update password",
            (Consumer<Storage>) s -> s.passwords().update("admin@example.com", p -> p)),
        Arguments.of(
            "delete password", (Consumer<Storage>) s -> s.passwords().delete("Admin@Example.com")),
        Arguments.of(
            "create connector", (Consumer<Storage>) s -> s.connectors().create(STATIC_CONNECTOR)),
        Arguments.of(
            "update connector", (Consumer<Storage>) s -> s.connectors().update("upstream", c -> c)),
        Arguments.of(
            "delete connector", (Consumer<Storage>) s -> s.connectors().delete("upstream")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writesToStaticObjects")
  void staticObjectsAreReadOnly(String action, Consumer<Storage> write) {
    assertThatThrownBy(() -> write.accept(storage))
        .isExactlyInstanceOf(StorageException.class)
        .hasMessageContaining("read-only")
        .hasMessageContaining("cannot " + action.substring(0, action.indexOf(' ')));
    // The stored object behind the static one is untouched.
    assertThat(base.clients().get("shared").orElseThrow().name()).isEqualTo("Stored");
    assertThat(base.connectors().get("upstream")).isPresent();
    assertThat(base.passwords().get("admin@example.com")).isPresent();
  }

  @Test
  void dynamicObjectsStayWritable() {
    storage.clients().update("dynamic", c -> Client.of(c.id(), c.secret(), "Renamed"));
    assertThat(base.clients().get("dynamic").orElseThrow().name()).isEqualTo("Renamed");
    storage.passwords().delete("user@example.com");
    assertThat(base.passwords().get("user@example.com")).isEmpty();
    storage.connectors().create(StorageFixtures.connector("new", true));
    assertThat(base.connectors().get("new")).isPresent();
  }

  @Test
  void duplicateStaticKeysAreRejected() {
    assertThatThrownBy(() ->
            new StaticStorage(
                new MemoryStorage(),
                List.of(),
                List.of(
                    StorageFixtures.password("a@example.com", true),
                    StorageFixtures.password("A@EXAMPLE.COM", false)),
                List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a@example.com");
  }
}
