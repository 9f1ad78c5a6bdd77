package dev.ferry.storage.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.AuthCode;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.AuthSession;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.DeviceRequest;
import dev.ferry.storage.DeviceToken;
import dev.ferry.storage.GarbageCollection;
import dev.ferry.storage.Keys;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Password;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.UserIdentity;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * {@link Storage} over SQLite, PostgreSQL or MySQL/MariaDB with Dex's schema (Dex: storage/sql).
 * Open one with {@link #open(SqlSettings)}; it migrates the schema before returning.
 *
 * <p>The class is long only because the interface is wide: every entity method is a one-line call
 * to the generic create/get/list/update/delete, which build their statements from {@link Tables}.
 */
public final class SqlStorage implements Storage {

  /** Dex keeps its signing keys in a single row with this id (Dex: keysRowID). */
  private static final String KEYS_ROW = "keys";

  private final HikariDataSource pool;
  private final Transactor tx;
  private final Dialect dialect;
  private final Tables tables;
  private final JsonColumns json;

  private SqlStorage(HikariDataSource pool, Dialect dialect, String target, ObjectMapper mapper) {
    this.pool = pool;
    this.dialect = dialect;
    this.tx = new Transactor(pool, dialect, target);
    this.json = new JsonColumns(mapper);
    this.tables = new Tables(json);
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
      Migrations migrations = new Migrations(storage.tx);
      migrations.migrate();
      migrations.checkSchema(storage.tables);
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

  // ---- generic operations

  private <T> void create(Table<T> t, T value) {
    List<String> key = t.keyOf.apply(value);
    tx.run(
        "create " + t.kind,
        c -> {
          Params p = Table.keys(new Params(dialect), key);
          t.values.write(value, p);
          try {
            tx.execute(c, t.insertSql(), p);
          } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
              throw new AlreadyExistsException(t.describe(key));
            }
            throw e;
          }
        });
  }

  private <T> Optional<T> get(Table<T> t, List<String> key) {
    return tx.inTransaction(
        "get " + t.kind,
        c -> {
          List<T> rows =
              tx.query(c, t.selectSql(""), Table.keys(new Params(dialect), key), t.name, t.reader);
          return rows.stream().findFirst();
        });
  }

  private <T> List<T> list(Table<T> t) {
    return tx.inTransaction(
        "list " + t.kind,
        c -> List.copyOf(tx.query(c, t.listSql(), new Params(dialect), t.name, t.reader)));
  }

  private <T> void update(Table<T> t, List<String> key, UnaryOperator<T> updater) {
    tx.run(
        "update " + t.kind,
        c -> {
          List<T> rows =
              tx.query(
                  c,
                  t.selectSql(dialect.lockForUpdate()),
                  Table.keys(new Params(dialect), key),
                  t.name,
                  t.reader);
          if (rows.isEmpty()) {
            throw new NotFoundException(t.describe(key));
          }
          T next = requireResult(updater.apply(rows.get(0)), t.kind);
          if (!t.keyOf.apply(next).equals(key)) {
            // Dex's SQL backend silently ignores a changed key; refusing is clearer.
            throw new StorageException("updater changed the key of " + t.describe(key));
          }
          Params p = new Params(dialect);
          t.values.write(next, p);
          tx.execute(c, t.updateSql(), Table.keys(p, key));
        });
  }

  private <T> void delete(Table<T> t, List<String> key) {
    tx.run(
        "delete " + t.kind,
        c -> {
          if (tx.execute(c, t.deleteSql(), Table.keys(new Params(dialect), key)) == 0) {
            throw new NotFoundException(t.describe(key));
          }
        });
  }

  private static <V> V requireResult(@Nullable V value, String kind) {
    if (value == null) {
      throw new StorageException("updater returned null for " + kind);
    }
    return value;
  }

  // ---- auth requests and codes

  @Override
  public void createAuthRequest(AuthRequest request) {
    create(tables.authRequests, request);
  }

  @Override
  public Optional<AuthRequest> getAuthRequest(String id) {
    return get(tables.authRequests, List.of(id));
  }

  @Override
  public void updateAuthRequest(String id, UnaryOperator<AuthRequest> updater) {
    update(tables.authRequests, List.of(id), updater);
  }

  @Override
  public void deleteAuthRequest(String id) {
    delete(tables.authRequests, List.of(id));
  }

  @Override
  public void createAuthCode(AuthCode code) {
    create(tables.authCodes, code);
  }

  @Override
  public Optional<AuthCode> getAuthCode(String id) {
    return get(tables.authCodes, List.of(id));
  }

  @Override
  public void deleteAuthCode(String id) {
    delete(tables.authCodes, List.of(id));
  }

  // ---- clients

  @Override
  public void createClient(Client client) {
    create(tables.clients, client);
  }

  @Override
  public Optional<Client> getClient(String id) {
    return get(tables.clients, List.of(id));
  }

  @Override
  public List<Client> listClients() {
    return list(tables.clients);
  }

  @Override
  public void updateClient(String id, UnaryOperator<Client> updater) {
    update(tables.clients, List.of(id), updater);
  }

  @Override
  public void deleteClient(String id) {
    delete(tables.clients, List.of(id));
  }

  // ---- refresh tokens

  @Override
  public void createRefresh(RefreshToken token) {
    create(tables.refreshTokens, token);
  }

  @Override
  public Optional<RefreshToken> getRefresh(String id) {
    return get(tables.refreshTokens, List.of(id));
  }

  @Override
  public List<RefreshToken> listRefreshTokens() {
    return list(tables.refreshTokens);
  }

  @Override
  public void updateRefreshToken(String id, UnaryOperator<RefreshToken> updater) {
    update(tables.refreshTokens, List.of(id), updater);
  }

  @Override
  public void deleteRefresh(String id) {
    delete(tables.refreshTokens, List.of(id));
  }

  // ---- passwords (Dex lower-cases the email key)

  @Override
  public void createPassword(Password password) {
    create(tables.passwords, password);
  }

  @Override
  public Optional<Password> getPassword(String email) {
    return get(tables.passwords, List.of(email.toLowerCase(Locale.ROOT)));
  }

  @Override
  public List<Password> listPasswords() {
    return list(tables.passwords);
  }

  @Override
  public void updatePassword(String email, UnaryOperator<Password> updater) {
    update(tables.passwords, List.of(email.toLowerCase(Locale.ROOT)), updater);
  }

  @Override
  public void deletePassword(String email) {
    delete(tables.passwords, List.of(email.toLowerCase(Locale.ROOT)));
  }

  // ---- offline sessions

  @Override
  public void createOfflineSessions(OfflineSessions sessions) {
    create(tables.offlineSessions, sessions);
  }

  @Override
  public Optional<OfflineSessions> getOfflineSessions(String userId, String connId) {
    return get(tables.offlineSessions, List.of(userId, connId));
  }

  @Override
  public void updateOfflineSessions(
      String userId, String connId, UnaryOperator<OfflineSessions> updater) {
    update(tables.offlineSessions, List.of(userId, connId), updater);
  }

  @Override
  public void deleteOfflineSessions(String userId, String connId) {
    delete(tables.offlineSessions, List.of(userId, connId));
  }

  // ---- connectors

  @Override
  public void createConnector(Connector connector) {
    create(tables.connectors, connector);
  }

  @Override
  public Optional<Connector> getConnector(String id) {
    return get(tables.connectors, List.of(id));
  }

  @Override
  public List<Connector> listConnectors() {
    return list(tables.connectors);
  }

  @Override
  public void updateConnector(String id, UnaryOperator<Connector> updater) {
    update(tables.connectors, List.of(id), updater);
  }

  @Override
  public void deleteConnector(String id) {
    delete(tables.connectors, List.of(id));
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

  // ---- device flow

  @Override
  public void createDeviceRequest(DeviceRequest request) {
    create(tables.deviceRequests, request);
  }

  @Override
  public Optional<DeviceRequest> getDeviceRequest(String userCode) {
    return get(tables.deviceRequests, List.of(userCode));
  }

  @Override
  public void createDeviceToken(DeviceToken token) {
    create(tables.deviceTokens, token);
  }

  @Override
  public Optional<DeviceToken> getDeviceToken(String deviceCode) {
    return get(tables.deviceTokens, List.of(deviceCode));
  }

  @Override
  public void updateDeviceToken(String deviceCode, UnaryOperator<DeviceToken> updater) {
    update(tables.deviceTokens, List.of(deviceCode), updater);
  }

  // ---- user identities

  @Override
  public void createUserIdentity(UserIdentity identity) {
    create(tables.userIdentities, identity);
  }

  @Override
  public Optional<UserIdentity> getUserIdentity(String userId, String connectorId) {
    return get(tables.userIdentities, List.of(userId, connectorId));
  }

  @Override
  public List<UserIdentity> listUserIdentities() {
    return list(tables.userIdentities);
  }

  @Override
  public void updateUserIdentity(
      String userId, String connectorId, UnaryOperator<UserIdentity> updater) {
    update(tables.userIdentities, List.of(userId, connectorId), updater);
  }

  @Override
  public void deleteUserIdentity(String userId, String connectorId) {
    delete(tables.userIdentities, List.of(userId, connectorId));
  }

  // ---- auth sessions

  @Override
  public void createAuthSession(AuthSession session) {
    create(tables.authSessions, session);
  }

  @Override
  public Optional<AuthSession> getAuthSession(String id) {
    return get(tables.authSessions, List.of(id));
  }

  @Override
  public List<AuthSession> listAuthSessions() {
    return list(tables.authSessions);
  }

  @Override
  public void updateAuthSession(String id, UnaryOperator<AuthSession> updater) {
    update(tables.authSessions, List.of(id), updater);
  }

  @Override
  public void deleteAuthSession(String id) {
    delete(tables.authSessions, List.of(id));
  }

  // ---- garbage collection (Dex §6.3: strictly before now)

  @Override
  public GarbageCollection garbageCollect(Instant now) {
    return tx.inTransaction(
        "garbage collection",
        c ->
            new GarbageCollection(
                tx.execute(c, "delete from auth_request where expiry < ?", at(now)),
                tx.execute(c, "delete from auth_code where expiry < ?", at(now)),
                tx.execute(c, "delete from device_request where expiry < ?", at(now)),
                tx.execute(c, "delete from device_token where expiry < ?", at(now)),
                tx.execute(
                    c,
                    "delete from auth_session where absolute_expiry < ? or idle_expiry < ?",
                    at(now).instant(now))));
  }

  private Params at(Instant now) {
    return new Params(dialect).instant(now);
  }

  @Override
  public void close() {
    pool.close();
  }
}
