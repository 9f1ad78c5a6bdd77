package dev.ferry.storage.sql;

import dev.ferry.storage.StorageException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Dex's schema, built by Dex's numbered migrations (Dex: storage/sql/migrate.go), then Ferry's own.
 *
 * <p>Design note: Dex records applied migrations in {@code migrations(num, at)} and applies
 * migration {@code max(num)+1} in its own transaction until none is left. Migrations that name a
 * dialect exist only for it, so the numbering differs per dialect: Dex's MySQL-only seventh
 * migration makes every later MySQL number one higher, and Ferry keeps that. Migrations 1-13 (14 on
 * MySQL) are Dex v2.45.1's, statement for statement. Dex HEAD (unreleased) adds client, auth
 * request, auth code and connector columns and two tables; Ferry adds those next, written so that
 * they skip whatever already exists, because a database Dex HEAD migrated may already have them.
 * Ferry-only changes are numbered separately in {@code ferry_migrations}, which Dex never reads, so
 * that Dex can keep numbering its own future migrations in {@code migrations}; a Ferry-only table
 * ({@code ferry_} prefix) is created there too, from its description in {@link Tables}, so that a
 * database from an earlier Ferry gets it at its next start, under the same lock. After migrating,
 * every column Ferry uses must exist, or opening fails with the missing ones named.
 */
final class Migrations {

  /** One step of a migration. */
  sealed interface Step {}

  /** A statement in PostgreSQL's flavour, translated per dialect. */
  record Sql(String statement) implements Step {}

  /** Adds a column unless it exists. */
  record AddColumn(String table, String column, String definition) implements Step {}

  /** Creates an index unless one of that name exists. */
  record CreateIndex(String name, String table, String columns) implements Step {}

  /**
   * Creates a Ferry-only table unless it exists, from its description in {@link Tables} ({@link
   * Table#createSql}), so that its columns are written down once.
   */
  record CreateTable(String table) implements Step {}

  /** One numbered migration; {@code only} restricts it to one dialect. */
  record Migration(List<Step> steps, @Nullable Dialect only) {
    static Migration of(String... statements) {
      List<Step> steps = new ArrayList<>();
      for (String s : statements) {
        steps.add(new Sql(s));
      }
      return new Migration(steps, null);
    }
  }

  private static final String CLAIMS_DDL =
      """
      claims_user_id text not null,
      claims_username text not null,
      claims_email text not null,
      claims_email_verified boolean not null,
      claims_groups bytea not null,
      """;

  /** Dex's migrations, in Dex's order. */
  static final List<Migration> DEX =
      List.of(
          // 1
          Migration.of(
              """
              create table client (
                id text not null primary key,
                secret text not null,
                redirect_uris bytea not null,
                trusted_peers bytea not null,
                public boolean not null,
                name text not null,
                logo_url text not null
              )\
              """,
              """
              create table auth_request (
                id text not null primary key,
                client_id text not null,
                response_types bytea not null,
                scopes bytea not null,
                redirect_uri text not null,
                nonce text not null,
                state text not null,
                force_approval_prompt boolean not null,
                logged_in boolean not null,
              """
                  + CLAIMS_DDL
                  + """
                    connector_id text not null,
                    connector_data bytea,
                    expiry timestamptz not null
                  )\
                  """,
              """
              create table auth_code (
                id text not null primary key,
                client_id text not null,
                scopes bytea not null,
                nonce text not null,
                redirect_uri text not null,
              """
                  + CLAIMS_DDL
                  + """
                    connector_id text not null,
                    connector_data bytea,
                    expiry timestamptz not null
                  )\
                  """,
              """
              create table refresh_token (
                id text not null primary key,
                client_id text not null,
                scopes bytea not null,
                nonce text not null,
              """
                  + CLAIMS_DDL
                  + """
                    connector_id text not null,
                    connector_data bytea
                  )\
                  """,
              """
              create table password (
                email text not null primary key,
                hash bytea not null,
                username text not null,
                user_id text not null
              )\
              """,
              """
              create table keys (
                id text not null primary key,
                verification_keys bytea not null,
                signing_key bytea not null,
                signing_key_pub bytea not null,
                next_rotation timestamptz not null
              )\
              """),
          // 2
          Migration.of(
              "alter table refresh_token add column token text not null default ''",
              "alter table refresh_token add column created_at timestamptz not null"
                  + " default '0001-01-01 00:00:00 UTC'",
              "alter table refresh_token add column last_used timestamptz not null"
                  + " default '0001-01-01 00:00:00 UTC'"),
          // 3
          Migration.of(
              """
              create table offline_session (
                user_id text not null,
                conn_id text not null,
                refresh bytea not null,
                PRIMARY KEY (user_id, conn_id)
              )\
              """),
          // 4
          Migration.of(
              """
              create table connector (
                id text not null primary key,
                type text not null,
                name text not null,
                resource_version text not null,
                config bytea
              )\
              """),
          // 5
          Migration.of(
              "alter table auth_code add column claims_preferred_username text not null default ''",
              "alter table auth_request add column claims_preferred_username text not null"
                  + " default ''",
              "alter table refresh_token add column claims_preferred_username text not null"
                  + " default ''"),
          // 6
          Migration.of("alter table offline_session add column connector_data bytea"),
          // 7, MySQL only: a state longer than 384 characters must fit.
          new Migration(
              List.of(new Sql("alter table auth_request modify column state varchar(4096)")),
              Dialect.MYSQL),
          // 7 (MySQL: 8)
          Migration.of(
              """
              create table device_request (
                user_code text not null primary key,
                device_code text not null,
                client_id text not null,
                client_secret text ,
                scopes bytea not null,
                expiry timestamptz not null
              )\
              """,
              """
              create table device_token (
                device_code text not null primary key,
                status text not null,
                token bytea,
                expiry timestamptz not null,
                last_request timestamptz not null,
                poll_interval integer not null
              )\
              """),
          // 8
          Migration.of(
              "alter table auth_request add column code_challenge text not null default ''",
              "alter table auth_request add column code_challenge_method text not null default ''",
              "alter table auth_code add column code_challenge text not null default ''",
              "alter table auth_code add column code_challenge_method text not null default ''"),
          // 9
          Migration.of("alter table refresh_token add column obsolete_token text default ''"),
          // 10
          Migration.of(
              "alter table device_token add column code_challenge text not null default ''",
              "alter table device_token add column code_challenge_method text not null default ''"),
          // 11
          Migration.of("alter table auth_request add column hmac_key bytea"),
          // 12
          Migration.of(
              "alter table password add column preferred_username text not null default ''",
              "alter table password add column groups bytea not null default '[]'"),
          // 13: the last migration of Dex v2.45.1.
          Migration.of(
              "alter table password add column name text not null default ''",
              "alter table password add column email_verified boolean"),
          // 14-18: the columns and tables of Dex HEAD (Dex: storage/sql/migrate.go migrations),
          // idempotent.
          new Migration(
              List.of(
                  new AddColumn("client", "allowed_connectors", "bytea"),
                  new AddColumn("client", "mfa_chain", "bytea"),
                  new AddColumn("client", "post_logout_redirect_uris", "bytea"),
                  new AddColumn("client", "sso_shared_with", "bytea"),
                  new AddColumn("client", "backchannel_logout_uri", "text not null default ''"),
                  new AddColumn("client", "refresh_token_lifetime", "text not null default ''")),
              null),
          new Migration(List.of(new AddColumn("connector", "grant_types", "bytea")), null),
          new Migration(
              List.of(
                  new AddColumn("auth_request", "prompt", "text not null default ''"),
                  new AddColumn("auth_request", "max_age", "integer not null default -1"),
                  new AddColumn("auth_request", "auth_time", "timestamptz"),
                  new AddColumn("auth_request", "mfa_validated", "boolean not null default false"),
                  new AddColumn("auth_request", "webauthn_session_data", "bytea"),
                  new AddColumn("auth_code", "auth_time", "timestamptz"),
                  new AddColumn("auth_code", "session_id", "text not null default ''")),
              null),
          Migration.of(
              """
              create table if not exists user_identity (
                user_id text not null,
                connector_id text not null,
              """
                  + CLAIMS_DDL
                  + """
                    claims_preferred_username text not null default '',
                    consents bytea,
                    mfa_secrets bytea,
                    webauthn_credentials bytea,
                    created_at timestamptz not null,
                    last_login timestamptz not null,
                    blocked_until timestamptz,
                    PRIMARY KEY (user_id, connector_id)
                  )\
                  """),
          new Migration(
              List.of(
                  new Sql(
                      """
                      create table if not exists auth_session (
                        id text not null primary key,
                        secret text not null,
                        user_id text not null,
                        connector_id text not null,
                        client_states bytea,
                        created_at timestamptz not null,
                        last_activity timestamptz not null,
                        ip_address text not null,
                        user_agent text not null,
                        absolute_expiry timestamptz not null,
                        idle_expiry timestamptz not null,
                        logout_state bytea
                      )\
                      """),
                  new CreateIndex(
                      "auth_session_user_connector_idx", "auth_session", "user_id, connector_id")),
              null));

  /** Ferry's own migrations, numbered in {@code ferry_migrations}. */
  static final List<Migration> FERRY =
      List.of(
          // 1
          new Migration(
              List.of(new AddColumn("client", "ferry_client_credentials_groups", "bytea")), null),
          // 2: the single-use records of trust.singleUse (issue 8). Garbage collection deletes
          // by "expiry < now" as often as every five minutes from a table that gains a row per
          // exchange; the index keeps that from scanning (and on MySQL, from locking) every row.
          new Migration(
              List.of(
                  new CreateTable(Tables.USED_TOKENS),
                  new CreateIndex("ferry_used_tokens_expiry_idx", Tables.USED_TOKENS, "expiry")),
              null));

  private final Transactor tx;
  private final Dialect dialect;
  private final Tables tables;

  Migrations(Transactor tx, Tables tables) {
    this.tx = tx;
    this.dialect = tx.dialect();
    this.tables = tables;
  }

  /** Applies every missing migration; returns how many ran (Dex: migrate's count). */
  int migrate() {
    return run("migrations", DEX) + run("ferry_migrations", FERRY);
  }

  /** The migrations of {@code list} that apply to this dialect, in order. */
  List<Migration> forDialect(List<Migration> list) {
    return list.stream().filter(m -> m.only() == null || m.only() == dialect).toList();
  }

  private int run(String table, List<Migration> all) {
    List<Migration> list = forDialect(all);
    tx.run(
        "create " + table,
        c -> {
          try (Statement st = c.createStatement()) {
            st.execute(
                dialect.translate(
                    "create table if not exists "
                        + table
                        + " (num integer not null, at timestamptz not null)"));
          }
        });
    int applied = 0;
    while (true) {
      Integer ran =
          tx.inTransaction(
              "apply " + table,
              c -> {
                if (dialect == Dialect.POSTGRES) {
                  // Two replicas starting together must not both apply the same migration.
                  try (Statement st = c.createStatement()) {
                    st.execute("lock table " + table + " in share row exclusive mode");
                  }
                }
                int current = maxNum(c, table);
                if (current >= list.size()) {
                  return 0;
                }
                for (Step step : list.get(current).steps()) {
                  apply(c, step, current + 1);
                }
                try (PreparedStatement st =
                    c.prepareStatement(
                        dialect.translate(
                            "insert into " + table + " (num, at) values (?, now())"))) {
                  st.setInt(1, current + 1);
                  st.executeUpdate();
                }
                return 1;
              });
      if (ran == 0) {
        return applied;
      }
      applied++;
    }
  }

  private static int maxNum(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select max(num) from " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private void apply(Connection c, Step step, int number) throws SQLException {
    try (Statement st = c.createStatement()) {
      switch (step) {
        case Sql s -> st.execute(dialect.translate(s.statement()));
        case AddColumn a -> {
          if (!columns(c, a.table()).contains(a.column())) {
            st.execute(
                dialect.translate(
                    "alter table "
                        + a.table()
                        + " add column "
                        + a.column()
                        + " "
                        + a.definition()));
          }
        }
        case CreateTable t -> st.execute(dialect.translate(described(t.table()).createSql()));
        case CreateIndex i -> {
          if (!indexes(c, i.table()).contains(i.name())) {
            st.execute(
                dialect.translate(
                    "create index " + i.name() + " on " + i.table() + " (" + i.columns() + ")"));
          }
        }
      }
    } catch (SQLException e) {
      throw new SQLException(
          "migration " + number + " failed: " + e.getMessage(),
          e.getSQLState(),
          e.getErrorCode(),
          e);
    }
  }

  private Table<?, ?> described(String name) {
    return tables.all().stream()
        .filter(t -> t.name.equals(name) && t.isFerryOnly())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no Ferry-only table " + name + " in Tables"));
  }

  /** Fails, naming them, if any column Ferry reads or writes is missing. */
  void checkSchema() {
    List<String> missing =
        tx.inTransaction(
            "check schema",
            c -> {
              List<String> out = new ArrayList<>();
              for (Table<?, ?> t : tables.all()) {
                Set<String> have = columns(c, t.name);
                for (String col : t.allColumns()) {
                  if (!have.contains(col)) {
                    out.add(t.name + "." + col);
                  }
                }
              }
              Set<String> keys = columns(c, "keys");
              for (String col :
                  List.of(
                      "id",
                      "verification_keys",
                      "signing_key",
                      "signing_key_pub",
                      "next_rotation")) {
                if (!keys.contains(col)) {
                  out.add("keys." + col);
                }
              }
              return out;
            });
    if (!missing.isEmpty()) {
      throw new StorageException(
          "the database schema lacks columns Ferry needs: "
              + String.join(", ", missing)
              + " (was it migrated by a different Dex or Ferry version?)");
    }
  }

  private Set<String> columns(Connection c, String table) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    Set<String> out = new HashSet<>();
    try (ResultSet rs = meta.getColumns(c.getCatalog(), schema(c), table, null)) {
      while (rs.next()) {
        out.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  private Set<String> indexes(Connection c, String table) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    Set<String> out = new HashSet<>();
    try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), schema(c), table, false, false)) {
      while (rs.next()) {
        String name = rs.getString("INDEX_NAME");
        if (name != null) {
          out.add(name.toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  private @Nullable String schema(Connection c) throws SQLException {
    return dialect == Dialect.POSTGRES ? c.getSchema() : null;
  }
}
