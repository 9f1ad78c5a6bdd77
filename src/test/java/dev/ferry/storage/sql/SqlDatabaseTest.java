package dev.ferry.storage.sql;

import static dev.ferry.storage.sql.DexDatabase.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Client;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.Keys;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Password;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.StorageFixtures;
import dev.ferry.storage.UsedToken;
import dev.ferry.storage.UserConnectorKey;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Behaviour beyond the conformance suite that needs a real database: Dex-compatible migrations,
 * opening a database Dex wrote, and two storages ("replicas") sharing one database.
 */
abstract class SqlDatabaseTest {

  /** Settings for an empty database, fresh for each test. */
  protected abstract SqlSettings settings();

  /** A plain JDBC connection to the same database. */
  protected abstract Connection connect() throws SQLException;

  protected abstract Dialect dialect();

  /** Dex numbers per dialect: its MySQL-only migration shifts every later MySQL number. */
  private int dexMigrations() {
    return dialect() == Dialect.MYSQL ? 19 : 18;
  }

  /** Ferry's own migrations: the client column, then the used-tokens table (issue 8). */
  private static final int FERRY_MIGRATIONS = 2;

  private void exec(String sql) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private Set<String> indexesOf(String table) throws SQLException {
    Set<String> names = new HashSet<>();
    try (Connection c = connect();
        ResultSet rs =
            c.getMetaData()
                .getIndexInfo(
                    c.getCatalog(),
                    dialect() == Dialect.POSTGRES ? c.getSchema() : null,
                    table,
                    false,
                    false)) {
      while (rs.next()) {
        String name = rs.getString("INDEX_NAME");
        if (name != null) {
          names.add(name.toLowerCase(Locale.ROOT));
        }
      }
    }
    return names;
  }

  private int query(String sql) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void migrationsAreNumberedAsDexAndIdempotent() throws Exception {
    try (SqlStorage s = SqlStorage.open(settings())) {
      s.clients().create(StorageFixtures.client("kept", true));
    }
    assertThat(query("select max(num) from migrations")).isEqualTo(dexMigrations());
    assertThat(query("select count(*) from migrations")).isEqualTo(dexMigrations());
    assertThat(query("select max(num) from ferry_migrations")).isEqualTo(FERRY_MIGRATIONS);

    try (SqlStorage s = SqlStorage.open(settings())) {
      assertThat(s.clients().get("kept")).isPresent();
    }
    assertThat(query("select count(*) from migrations")).isEqualTo(dexMigrations());
    assertThat(query("select count(*) from ferry_migrations")).isEqualTo(FERRY_MIGRATIONS);
  }

  /**
   * The single-use records' table comes with Ferry migration 2, so a database an earlier Ferry
   * migrated (Ferry migration 1, no {@code ferry_used_tokens}) gets it, and its expiry index, at
   * the next start, keeping its rows.
   */
  @Test
  void aDatabaseFromBeforeSingleUseGetsTheUsedTokensTableAtTheNextStart() throws Exception {
    try (SqlStorage s = SqlStorage.open(settings())) {
      s.clients().create(StorageFixtures.client("kept", true));
    }
    assertThat(indexesOf("ferry_used_tokens")).contains("ferry_used_tokens_expiry_idx");
    exec("drop table ferry_used_tokens");
    exec("delete from ferry_migrations where num = 2");

    try (SqlStorage s = SqlStorage.open(settings())) {
      UsedToken token = UsedToken.of("https://issuer.example.com", "jti-1", T);
      s.repository(UsedToken.ENTITY).create(token);
      assertThat(s.repository(UsedToken.ENTITY).get(token.key())).contains(token);
      assertThat(s.clients().get("kept")).isPresent();
    }
    assertThat(query("select max(num) from ferry_migrations")).isEqualTo(FERRY_MIGRATIONS);
    assertThat(query("select count(*) from ferry_used_tokens")).isEqualTo(1);
    assertThat(indexesOf("ferry_used_tokens")).contains("ferry_used_tokens_expiry_idx");
  }

  /**
   * {@code trust.singleUse} across replicas: two storages on one database race to record the same
   * token from many threads each, and exactly one create wins; every other is {@link
   * AlreadyExistsException}, never another failure.
   */
  @Test
  void twoReplicasRecordingOneFirstUseHaveExactlyOneWinner() throws Exception {
    int threadsPerReplica = 8;
    try (SqlStorage a = SqlStorage.open(settings());
        SqlStorage b = SqlStorage.open(settings())) {
      for (int round = 0; round < 3; round++) {
        UsedToken token = UsedToken.of("https://issuer.example.com", "jti-" + round, T);
        AtomicInteger winners = new AtomicInteger();
        List<Callable<Void>> work = new ArrayList<>();
        for (SqlStorage replica : List.of(a, b)) {
          for (int t = 0; t < threadsPerReplica; t++) {
            work.add(() -> {
              try {
                replica.repository(UsedToken.ENTITY).create(token);
                winners.incrementAndGet();
              } catch (AlreadyExistsException e) {
                // The expected answer for every racer but one.
              }
              return null;
            });
          }
        }
        runAll(work);
        assertThat(winners.get()).as("round %d", round).isEqualTo(1);
      }
      assertThat(query("select count(*) from ferry_used_tokens")).isEqualTo(3);
    }
  }

  @Test
  void opensADatabaseDexCreatedAndServesItsRows() throws Exception {
    try (Connection c = connect()) {
      DexDatabase.createSchema(c, dialect());
      DexDatabase.insertRows(c, dialect());
    }
    try (SqlStorage s = SqlStorage.open(settings())) {
      Client client = s.clients().get("example-app").orElseThrow();
      assertThat(client.redirectUris()).containsExactly("http://127.0.0.1:5555/callback");
      assertThat(client.trustedPeers()).isEmpty();
      assertThat(client.allowedConnectors()).isEmpty();
      assertThat(client.name()).isEqualTo("Example App");

      Password pw = s.passwords().get("Admin@Example.com").orElseThrow();
      assertThat(new String(pw.hash(), StandardCharsets.US_ASCII)).startsWith("$2a$10$");
      assertThat(pw.groups()).containsExactly("admins");
      assertThat(pw.emailVerified()).isNull();

      RefreshToken rt = s.refreshTokens().get("rt-1").orElseThrow();
      assertThat(rt.createdAt()).isEqualTo(T);
      assertThat(rt.lastUsed()).isEqualTo(T.plusSeconds(60));
      assertThat(rt.scopes()).containsExactly("openid", "offline_access");
      assertThat(rt.claims().groups()).isEmpty();
      assertThat(rt.claims().emailVerified()).isTrue();
      assertThat(rt.connectorData()).isEmpty();

      OfflineSessions os =
          s.offlineSessions().get(new UserConnectorKey("user-1", "local")).orElseThrow();
      OfflineSessions.RefreshTokenRef ref =
          java.util.Objects.requireNonNull(os.refresh().get("example-app"));
      assertThat(ref.id()).isEqualTo("rt-1");
      assertThat(ref.createdAt()).isEqualTo(T);
      assertThat(ref.lastUsed()).isEqualTo(Instant.parse("2026-03-04T05:06:07.5Z"));

      Keys keys = s.getKeys().orElseThrow();
      assertThat(keys.signingKey()).isEqualTo(DexDatabase.SIGNING_KEY);
      assertThat(keys.signingKeyPub()).isEqualTo(DexDatabase.SIGNING_KEY_PUB);
      assertThat(keys.verificationKeys())
          .containsExactly(
              new Keys.VerificationKey(
                  DexDatabase.OLD_KEY, Instant.parse("2026-03-05T05:06:07.123456789Z")));
      assertThat(keys.nextRotation()).isEqualTo(T.plusSeconds(6 * 3600));

      // Dex's rows stay writable through Ferry.
      s.updateKeys(k -> new Keys(null, null, k.orElseThrow().verificationKeys(), T));
      assertThat(s.getKeys().orElseThrow().signingKey()).isNull();
      s.clients().update("example-app", c -> c.withTrustedPeers(List.of("other")));
      assertThat(s.clients().get("example-app").orElseThrow().trustedPeers())
          .containsExactly("other");
    }
    assertThat(query("select max(num) from migrations")).isEqualTo(dexMigrations());
  }

  @Test
  void twoReplicasOnOneDatabaseLoseNoUpdate() throws Exception {
    int threadsPerReplica = 4;
    int increments = 15;
    try (SqlStorage a = SqlStorage.open(settings());
        SqlStorage b = SqlStorage.open(settings())) {
      a.clients().create(StorageFixtures.counterClient("counter", 0));
      List<Callable<Void>> work = new ArrayList<>();
      for (SqlStorage replica : List.of(a, b)) {
        for (int t = 0; t < threadsPerReplica; t++) {
          work.add(() -> {
            for (int i = 0; i < increments; i++) {
              replica
                  .clients()
                  .update(
                      "counter",
                      c -> StorageFixtures.counterClient(c.id(), Integer.parseInt(c.name()) + 1));
              replica.updateKeys(k ->
                  new Keys(
                      null,
                      null,
                      List.of(),
                      k.map(x -> x.nextRotation().plusSeconds(1)).orElse(T)));
            }
            return null;
          });
        }
      }
      runAll(work);
      int total = 2 * threadsPerReplica * increments;
      assertThat(b.clients().get("counter").orElseThrow().name())
          .isEqualTo(Integer.toString(total));
      assertThat(a.getKeys().orElseThrow().nextRotation()).isEqualTo(T.plusSeconds(total - 1));
    }
  }

  @Test
  void garbageCollectionFromTwoInstancesAtOnceIsSafe() throws Exception {
    int expired = 40;
    try (SqlStorage a = SqlStorage.open(settings());
        SqlStorage b = SqlStorage.open(settings())) {
      for (int i = 0; i < expired; i++) {
        a.authRequests()
            .create(StorageFixtures.authRequest("old-" + i, T.minusSeconds(i + 1), i % 2 == 0));
        a.authCodes().create(StorageFixtures.authCode("old-" + i, T.minusSeconds(1), false));
      }
      a.authRequests()
          .create(StorageFixtures.authRequest("live", T.plus(Duration.ofMinutes(5)), true));
      List<GarbageCollection> results = new ArrayList<>();
      List<Callable<Void>> work = new ArrayList<>();
      for (SqlStorage replica : List.of(a, b, a, b)) {
        work.add(() -> {
          GarbageCollection r = replica.garbageCollect(T);
          synchronized (results) {
            results.add(r);
          }
          return null;
        });
      }
      runAll(work);
      assertThat(results.stream().mapToLong(GarbageCollection::authRequests).sum())
          .isEqualTo(expired);
      assertThat(results.stream().mapToLong(GarbageCollection::authCodes).sum()).isEqualTo(expired);
      assertThat(a.authRequests().get("live")).isPresent();
      assertThat(b.authRequests().get("old-0")).isEmpty();
      assertThat(query("select count(*) from auth_request")).isEqualTo(1);
    }
  }

  @Test
  void readsAndWritesAnAuthRequestWrittenByTheOtherReplica() {
    try (SqlStorage a = SqlStorage.open(settings());
        SqlStorage b = SqlStorage.open(settings())) {
      AuthRequest ar = StorageFixtures.authRequest("shared", T, true);
      a.authRequests().create(ar);
      assertThat(b.authRequests().get("shared").orElseThrow())
          .usingRecursiveComparison()
          .isEqualTo(ar);
    }
  }

  private static void runAll(List<Callable<Void>> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(work.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> w : work) {
        futures.add(
            pool.submit(() -> {
              start.await();
              return w.call();
            }));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
