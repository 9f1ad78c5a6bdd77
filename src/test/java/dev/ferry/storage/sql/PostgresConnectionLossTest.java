package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.storage.Client;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.StorageFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server ends every connection of the storage (as on a PostgreSQL restart or failover): the
 * next operation either fails with a StorageException or succeeds on a fresh connection, later
 * operations succeed, and nothing committed is lost.
 */
class PostgresConnectionLossTest {

  @RegisterExtension
  static final TestDatabase.PerClass DB = TestDatabase.perClass(Dialect.POSTGRES);

  private static TestDatabase db() {
    return DB.get();
  }

  private static void terminateBackends() {
    TestDatabase.exec(
        db().adminUrl,
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
            + db().name
            + "' and pid <> pg_backend_pid()");
  }

  @Test
  void survivesTerminatedBackends() {
    try (SqlStorage storage = SqlStorage.open(db().settings())) {
      storage.clients().create(StorageFixtures.counterClient("counter", 0));
      int committed = 0;
      List<String> failures = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        // Make sure the pool holds live connections, then kill them all.
        assertThat(storage.clients().list()).isNotEmpty();
        terminateBackends();
        try {
          storage
              .clients()
              .update(
                  "counter",
                  c -> StorageFixtures.counterClient(c.id(), Integer.parseInt(c.name()) + 1));
          committed++;
        } catch (StorageException e) {
          failures.add(e.getMessage());
        }
        // Whatever happened to that call, the next ones work.
        storage
            .clients()
            .update(
                "counter",
                c -> StorageFixtures.counterClient(c.id(), Integer.parseInt(c.name()) + 1));
        committed++;
        storage.clients().create(Client.of("after-" + round, "s", "n"));
      }
      assertThat(storage.clients().get("counter").orElseThrow().name())
          .isEqualTo(Integer.toString(committed));
      assertThat(storage.clients().list()).hasSize(6);
      assertThat(failures).allSatisfy(m -> assertThat(m).contains("postgres"));
    }
  }
}
