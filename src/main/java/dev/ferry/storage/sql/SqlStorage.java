package dev.ferry.storage.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.ferry.storage.Entity;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.Keys;
import dev.ferry.storage.Repository;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link Storage} over SQLite, PostgreSQL or MySQL/MariaDB with Dex's schema (Dex: storage/sql).
 * Open one with {@link #open(SqlSettings)}; it migrates the schema before returning.
 *
 * <p>Every entity is served by one generic {@link SqlRepository} built from its description in
 * {@link Tables}, and garbage collection deletes generically from every table that names expiry
 * columns; only the signing-key singleton is written out here.
 */
public final class SqlStorage implements Storage {

  /** Dex keeps its signing keys in a single row with this id (Dex: keysRowID). */
  private static final String KEYS_ROW = "keys";

  private final HikariDataSource pool;
  private final Transactor tx;
  private final Dialect dialect;
  private final Tables tables;
  private final JsonColumns json;
  private final Map<Entity<?, ?>, SqlRepository<?, ?>> repositories;

  private SqlStorage(HikariDataSource pool, Dialect dialect, String target, ObjectMapper mapper) {
    this.pool = pool;
    this.dialect = dialect;
    this.tx = new Transactor(pool, dialect, target);
    this.json = new JsonColumns(mapper);
    this.tables = new Tables(json);
    Map<Entity<?, ?>, SqlRepository<?, ?>> repos = new HashMap<>();
    for (Table<?, ?> t : tables.all()) {
      repos.put(t.entity, repositoryOf(t, tx));
    }
    this.repositories = Map.copyOf(repos);
  }

  /**
   * Connects, applies missing migrations and checks the schema.
   *
   * @throws StorageException naming the database when it cannot be reached, is locked, read-only or
   *     corrupt, or its schema cannot be brought up to date
   */
  public static SqlStorage open(SqlSettings settings) {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(poolConfig(settings));
    } catch (HikariPool.PoolInitializationException e) {
      throw connectFailure(settings, e);
    }
    try {
      SqlStorage storage =
          new SqlStorage(pool, settings.dialect(), settings.target(), new ObjectMapper());
      Migrations migrations = new Migrations(storage.tx, storage.tables);
      migrations.migrate();
      migrations.checkSchema();
      return storage;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static HikariConfig poolConfig(SqlSettings s) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("ferry-" + s.dialect().type());
    c.setJdbcUrl(s.jdbcUrl());
    s.properties().forEach(c::addDataSourceProperty);
    c.setMaximumPoolSize(Math.max(1, s.maxOpenConns()));
    c.setMinimumIdle(Math.max(0, Math.min(s.maxIdleConns(), s.maxOpenConns())));
    // Dex's connMaxLifetime unset means forever; Hikari's 0 means the same.
    c.setMaxLifetime(s.connMaxLifetime() == null ? 0 : s.connMaxLifetime().toMillis());
    c.setConnectionTimeout(Math.max(250, s.connectionTimeout().toMillis()));
    // Dex runs PostgreSQL and MySQL transactions SERIALIZABLE; SQLite is serializable anyway.
    c.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
    if (s.dialect() == Dialect.SQLITE) {
      // One connection that is never retired: with ":memory:" it *is* the database.
      c.setIdleTimeout(0);
      c.setMinimumIdle(1);
    }
    return c;
  }

  private static StorageException connectFailure(SqlSettings s, RuntimeException e) {
    for (Throwable cur = e; cur != null; cur = cur.getCause()) {
      if (cur instanceof SQLException sql) {
        String reason = s.dialect().explain(sql);
        if (reason != null) {
          return new StorageException(
              s.dialect().type() + " database " + s.target() + " " + reason, e);
        }
        return new StorageException(
            "cannot open " + s.dialect().type() + " database " + s.target() + ": " + detail(sql),
            e);
      }
    }
    return new StorageException(
        "cannot open " + s.dialect().type() + " database " + s.target() + ": " + e.getMessage(), e);
  }

  /**
   * The driver's message, followed by the underlying cause when the driver's own is generic: pgjdbc
   * says only "The connection attempt failed." when a unix socket file is missing, and the cause
   * ("No such file or directory") is what tells the operator what to fix.
   */
  private static String detail(SQLException sql) {
    StringBuilder text = new StringBuilder(String.valueOf(sql.getMessage()));
    for (Throwable cause = sql.getCause(); cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !message.isBlank() && text.indexOf(message) < 0) {
        if (text.charAt(text.length() - 1) == '.') {
          text.setLength(text.length() - 1);
        }
        text.append(": ").append(message);
      }
    }
    return text.toString();
  }

  // ---- entities: one generic repository per table

  @Override
  public <K, V> Repository<K, V> repository(Entity<K, V> entity) {
    SqlRepository<?, ?> repo = repositories.get(entity);
    if (repo == null) {
      throw new IllegalArgumentException("no SQL table for " + entity.kind());
    }
    // Each repository is stored under its own table's entity, so the types agree.
    @SuppressWarnings("unchecked")
    Repository<K, V> typed = (Repository<K, V>) repo;
    return typed;
  }

  private static <K, V extends Record> SqlRepository<K, V> repositoryOf(
      Table<K, V> table, Transactor tx) {
    return new SqlRepository<>(table, tx);
  }

  private static <V> V requireResult(@Nullable V value, String kind) {
    if (value == null) {
      throw new StorageException("updater returned null for " + kind);
    }
    return value;
  }

  // ---- keys singleton

  private static final String KEYS_COLUMNS =
      "verification_keys, signing_key, signing_key_pub, next_rotation";

  @Override
  public Optional<Keys> getKeys() {
    return tx.inTransaction("get keys", c -> readKeys(c, ""));
  }

  @Override
  public void updateKeys(KeysUpdater updater) {
    tx.run(
        "update keys",
        c -> {
          Optional<Keys> current = readKeys(c, dialect.lockForUpdate());
          Keys next = requireResult(updater.update(current), "keys");
          Params p =
              new Params(dialect)
                  .bytes(json.verificationKeys(next.verificationKeys()))
                  .bytes(json.rawJson(next.signingKey(), "signing key"))
                  .bytes(json.rawJson(next.signingKeyPub(), "public signing key"))
                  .instant(next.nextRotation())
                  .string(KEYS_ROW);
          if (current.isPresent()) {
            tx.execute(
                c,
                "update keys set verification_keys = ?, signing_key = ?, signing_key_pub = ?,"
                    + " next_rotation = ? where id = ?",
                p);
            return;
          }
          try {
            tx.execute(c, "insert into keys (" + KEYS_COLUMNS + ", id) values (?, ?, ?, ?, ?)", p);
          } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
              // Another replica stored the first keys after this one read none: rerun the
              // compare-and-swap against its keys, exactly like a serialization failure.
              throw new SQLException("keys were created concurrently", "40001", e);
            }
            throw e;
          }
        });
  }

  private Optional<Keys> readKeys(java.sql.Connection c, String lock) throws SQLException {
    List<Keys> rows =
        tx.query(
            c,
            "select " + KEYS_COLUMNS + " from keys where id = ?" + lock,
            new Params(dialect).string(KEYS_ROW),
            "keys",
            r ->
                new Keys(
                    json.rawJson(r.rawBytes("signing_key"), "keys.signing_key"),
                    json.rawJson(r.rawBytes("signing_key_pub"), "keys.signing_key_pub"),
                    json.verificationKeys(r.rawBytes("verification_keys")),
                    r.instant("next_rotation")));
    return rows.stream().findFirst();
  }

  // ---- garbage collection (Dex: storage/sql/crud.go GarbageCollect, strictly before now)

  @Override
  public GarbageCollection garbageCollect(Instant now) {
    return collectGarbage(tx, dialect, tables.all(), now);
  }

  /**
   * One transaction that deletes the expired rows of every table with expiry columns, in the order
   * of the tables (Dex's order: auth requests, auth codes, device requests, device tokens, auth
   * sessions).
   */
  static GarbageCollection collectGarbage(
      Transactor tx, Dialect dialect, List<Table<?, ?>> tables, Instant now) {
    return tx.inTransaction(
        "garbage collection",
        c -> {
          Map<String, Long> deleted = new LinkedHashMap<>();
          for (Table<?, ?> table : tables) {
            if (!table.expiryColumns.isEmpty()) {
              Params p = new Params(dialect);
              table.expiryColumns.forEach(column -> p.instant(now));
              deleted.put(table.entity.kind(), (long) tx.execute(c, table.deleteExpiredSql(), p));
            }
          }
          return new GarbageCollection(deleted);
        });
  }

  @Override
  public void close() {
    pool.close();
  }
}
