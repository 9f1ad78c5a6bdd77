package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.Entity;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.NotFoundException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What adding an entity takes on the SQL side: a record and its table description, nothing else.
 * The statements, the writer, the reader, garbage collection of an expiring entity and (for a
 * Ferry-only table) the table itself are derived from the description, and a description that does
 * not match its record or its entity's expiries is refused at once.
 */
class DescribedTableTest {

  /** A stand-in for the next entity (replay records). */
  record Seen(String id, String clientId, Instant expiry, boolean used, List<String> scopes) {
    static final Entity<String, Seen> ENTITY =
        Entity.byId("seen token", Seen::id).expiresAt(Seen::expiry);
  }

  private static final JsonColumns JSON = new JsonColumns(new ObjectMapper());

  private static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");

  private HikariDataSource pool;
  private Transactor tx;

  @BeforeEach
  void open() {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:sqlite::memory:");
    c.setMaximumPoolSize(1);
    c.setMinimumIdle(1);
    c.setIdleTimeout(0);
    c.setMaxLifetime(0);
    pool = new HikariDataSource(c);
    tx = new Transactor(pool, Dialect.SQLITE, ":memory:");
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private static Codec<List<String>> strings(JsonColumns json) {
    return Codec.of(
        List.class,
        "bytea not null",
        (p, v) -> p.bytes(json.strings(v)),
        (r, column) -> json.strings(r.rawBytes(column), column));
  }

  private static Table<String, Seen> table(JsonColumns json) {
    Codec<List<String>> strings = strings(json);
    return Table.of(Seen.ENTITY, "ferry_seen_token", Seen.class)
        .key("id", Seen::id)
        .column("client_id", Seen::clientId, Codec.STRING)
        .expiry("expiry", Seen::expiry)
        .column("used", Seen::used, Codec.BOOL)
        .column("scopes", Seen::scopes, strings)
        .build();
  }

  @Test
  void aDescribedTableIsCreatedAndServedWithTheRepositorySemantics() {
    Table<String, Seen> table = table(JSON);
    assertThat(table.isFerryOnly()).isTrue();
    assertThat(table.createSql())
        .isEqualTo(
            "create table if not exists ferry_seen_token (id text not null, client_id text not"
                + " null, expiry timestamptz not null, used boolean not null, scopes bytea not"
                + " null, primary key (id))");
    for (int i = 0; i < 2; i++) { // idempotent: runs at every start
      tx.run("create", c -> tx.execute(c, table.createSql(), new Params(Dialect.SQLITE)));
    }
    SqlRepository<String, Seen> repo = new SqlRepository<>(table, tx);

    Seen seen = new Seen("jti-1", "client", T, false, List.of("openid"));
    repo.create(seen);
    assertThat(repo.get("jti-1")).contains(seen);
    assertThatThrownBy(() -> repo.create(seen)).isInstanceOf(AlreadyExistsException.class);
    repo.update("jti-1", s -> new Seen(s.id(), s.clientId(), s.expiry(), true, s.scopes()));
    assertThat(repo.get("jti-1").orElseThrow().used()).isTrue();
    assertThat(repo.get("JTI-1")).isEmpty();
    assertThat(repo.list()).hasSize(1);
    repo.delete("jti-1");
    assertThatThrownBy(() -> repo.delete("jti-1")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aDescriptionThatDoesNotMatchItsRecordIsRefused() {
    assertThatThrownBy(() ->
            Table.of(Seen.ENTITY, "ferry_seen_token", Seen.class)
                .key("id", Seen::id)
                .column("client_id", Seen::clientId, Codec.STRING)
                .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("describes 2 fields but Seen has 5");
    assertThatThrownBy(() ->
            Table.of(Seen.ENTITY, "ferry_seen_token", Seen.class)
                .key("id", Seen::id)
                .column("client_id", Seen::clientId, Codec.STRING)
                .column("used", Seen::used, Codec.BOOL)
                .column("expiry", Seen::expiry, Codec.INSTANT)
                .column("scopes", Seen::scopes, strings(JSON))
                .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("field [used] is boolean but Seen.expiry is Instant");
  }

  /**
   * The expiry named in the description is all garbage collection needs: the generic collector that
   * {@link SqlStorage#garbageCollect} runs over every table deletes the stand-in's expired rows,
   * strictly before now, and counts them under the entity.
   */
  @Test
  void aDescribedExpiryIsGarbageCollectedGenerically() {
    Table<String, Seen> table = table(JSON);
    assertThat(table.deleteExpiredSql()).isEqualTo("delete from ferry_seen_token where expiry < ?");
    tx.run("create", c -> tx.execute(c, table.createSql(), new Params(Dialect.SQLITE)));
    SqlRepository<String, Seen> repo = new SqlRepository<>(table, tx);
    repo.create(new Seen("old", "client", T.minusMillis(1), false, List.of()));
    repo.create(new Seen("now", "client", T, false, List.of()));
    repo.create(new Seen("later", "client", T.plusMillis(1), false, List.of()));

    GarbageCollection result = SqlStorage.collectGarbage(tx, Dialect.SQLITE, List.of(table), T);

    assertThat(result.deleted()).isEqualTo(Map.of("seen token", 1L));
    assertThat(result.deleted(Seen.ENTITY)).isEqualTo(1);
    assertThat(repo.get("old")).isEmpty();
    assertThat(repo.get("now")).isPresent();
    assertThat(repo.get("later")).isPresent();
    assertThat(SqlStorage.collectGarbage(tx, Dialect.SQLITE, List.of(table), T).isEmpty()).isTrue();
  }

  /** The memory backend collects by the entity's expiries, SQL by the columns: they must agree. */
  @Test
  void expiryColumnsThatDoNotMatchTheEntityAreRefused() {
    Codec<List<String>> strings = strings(JSON);
    assertThatThrownBy(() ->
            Table.of(Seen.ENTITY, "ferry_seen_token", Seen.class)
                .key("id", Seen::id)
                .column("client_id", Seen::clientId, Codec.STRING)
                .column("expiry", Seen::expiry, Codec.INSTANT)
                .column("used", Seen::used, Codec.BOOL)
                .column("scopes", Seen::scopes, strings)
                .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "table ferry_seen_token names 0 expiry columns but seen token has 1 expiries");
    Entity<String, Seen> lasting = Entity.byId("lasting token", Seen::id);
    assertThatThrownBy(() ->
            Table.of(lasting, "ferry_lasting_token", Seen.class)
                .key("id", Seen::id)
                .column("client_id", Seen::clientId, Codec.STRING)
                .expiry("expiry", Seen::expiry)
                .column("used", Seen::used, Codec.BOOL)
                .column("scopes", Seen::scopes, strings)
                .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("names 1 expiry columns but lasting token has 0 expiries");
  }
}
