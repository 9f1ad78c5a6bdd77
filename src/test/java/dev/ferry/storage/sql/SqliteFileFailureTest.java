package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.storage.StorageException;
import dev.ferry.storage.StorageFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SQLite file that is locked, read-only or corrupt gives a StorageException naming the file, and
 * its data survives.
 */
class SqliteFileFailureTest {

  private static final Duration SHORT_BUSY = Duration.ofMillis(300);

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("dex.db");
  }

  private SqlSettings settings() {
    return SqlSettings.sqlite(file().toString(), SHORT_BUSY);
  }

  private void seed() {
    try (SqlStorage s = SqlStorage.open(settings())) {
      s.clients().create(StorageFixtures.client("precious", true));
    }
  }

  private void assertSeedSurvived() {
    try (SqlStorage s = SqlStorage.open(settings())) {
      assertThat(s.clients().get("precious")).isPresent();
    }
  }

  @Test
  void lockedFileIsAClearErrorAndDataSurvives() throws Exception {
    seed();
    try (SqlStorage storage = SqlStorage.open(settings());
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + file())) {
      try (Statement st = other.createStatement()) {
        // Another process holds the write lock.
        st.execute("begin exclusive");
      }
      assertThatThrownBy(() ->
              storage.clients().update("precious", c -> StorageFixtures.client("precious", false)))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(file().toString())
          .hasMessageContaining("locked");
      try (Statement st = other.createStatement()) {
        st.execute("rollback");
      }
      // Once the lock is gone the same storage works again, and nothing was lost.
      storage.clients().create(StorageFixtures.client("after", false));
      assertThat(storage.clients().get("precious").orElseThrow())
          .usingRecursiveComparison()
          .isEqualTo(StorageFixtures.client("precious", true));
    }
    assertSeedSurvived();
  }

  @Test
  void corruptFileIsAClearErrorAndIsLeftUntouched() throws IOException {
    byte[] garbage =
        "this is not an SQLite database, it is a shopping list\n"
            .repeat(200)
            .getBytes(StandardCharsets.US_ASCII);
    Files.write(file(), garbage);
    assertThatThrownBy(() -> SqlStorage.open(settings()))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("corrupt or not an SQLite database");
    assertThat(Files.readAllBytes(file())).isEqualTo(garbage);
  }

  @Test
  void missingDirectoryIsAClearError() {
    String missing = dir.resolve("no-such-dir").resolve("dex.db").toString();
    assertThatThrownBy(() -> SqlStorage.open(SqlSettings.sqlite(missing, SHORT_BUSY)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("directory exist");
  }

  @Test
  void readOnlyFileIsAClearErrorAndDataSurvives() throws Exception {
    seed();
    // As root, permissions do not stop writes; the immutable attribute does (for root too).
    assumeTrue(
        chattr("+i", file()) && chattr("+i", dir),
        "chattr +i is not available here: skipping the read-only SQLite file test");
    try {
      assertThatThrownBy(
              () -> {
                try (SqlStorage s = SqlStorage.open(settings())) {
                  s.clients().create(StorageFixtures.client("new", false));
                }
              })
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(file().toString())
          .hasMessageMatching("(?s).*(read-only|writable).*");
    } finally {
      chattr("-i", dir);
      chattr("-i", file());
    }
    assertSeedSurvived();
  }

  private static boolean chattr(String flag, Path path) {
    try {
      Process p =
          new ProcessBuilder("chattr", flag, path.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
