package dev.ferry.bench;

import dev.ferry.policy.SingleUse;
import dev.ferry.server.StorageReplayLedger;
import dev.ferry.storage.Storage;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.storage.sql.Dialect;
import dev.ferry.storage.sql.SqlSettings;
import dev.ferry.storage.sql.SqlStorage;
import dev.ferry.storage.sql.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@code trust.singleUse} adds to an exchange (issue 8): one {@link
 * StorageReplayLedger#recordFirstUse}, that is one insert into {@code ferry_used_tokens} in its own
 * transaction, each with a fresh {@code jti} so that every operation is a first use. {@code
 * postgres} runs on a throw-away database under {@code FERRY_TEST_POSTGRES_URL} (as the storage
 * tests do) and fails at set-up without it; {@code sqlite} on a file in a temporary directory, with
 * Ferry's defaults; {@code memory} is the floor. Rows accumulate during a run (no garbage
 * collection), as they do between two collections on a busy server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SingleUseBenchmark {

  private static final String ISSUER = "https://token.actions.githubusercontent.com";

  @Param({"sqlite", "postgres", "memory"})
  public String backend;

  private final AtomicLong next = new AtomicLong();
  private Storage storage;
  private StorageReplayLedger ledger;
  private Optional<TestDatabase> database = Optional.empty();
  private Optional<Path> directory = Optional.empty();
  private Instant expiresAt;

  @Setup
  public void setUp() throws IOException {
    storage =
        switch (backend) {
          case "memory" -> new MemoryStorage();
          case "sqlite" -> {
            Path dir = Files.createTempDirectory("ferry-bench-");
            directory = Optional.of(dir);
            yield SqlStorage.open(
                SqlSettings.sqlite(
                    dir.resolve("dex.db").toString(), SqlSettings.DEFAULT_SQLITE_BUSY_TIMEOUT));
          }
          case "postgres" -> {
            TestDatabase db = TestDatabase.postgres();
            if (db == null) {
              throw new IllegalStateException(
                  "backend=postgres needs FERRY_TEST_POSTGRES_URL, e.g."
                      + " jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
            }
            database = Optional.of(db);
            yield SqlStorage.open(
                SqlSettings.jdbc(Dialect.POSTGRES, db.url, "postgres bench database " + db.name));
          }
          default -> throw new IllegalArgumentException("unknown backend " + backend);
        };
    ledger = new StorageReplayLedger(storage);
    // A GitHub Actions token lives 5 to 10 minutes; the value only has to be a plausible exp.
    expiresAt = Instant.now().plus(Duration.ofMinutes(10));
  }

  @TearDown
  public void tearDown() throws IOException {
    storage.close();
    database.ifPresent(TestDatabase::close);
    if (directory.isPresent()) {
      try (Stream<Path> files = Files.walk(directory.get())) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Benchmark
  public boolean recordFirstUse() {
    // A GitHub Actions jti is a UUID; the counter keeps every one fresh.
    String jti = "6f1c7b2e-8d4a-4e5b-9c3f-" + next.incrementAndGet();
    if (!ledger.recordFirstUse(new SingleUse(ISSUER, jti, expiresAt))) {
      throw new IllegalStateException("a fresh jti was refused as a replay");
    }
    return true;
  }
}
