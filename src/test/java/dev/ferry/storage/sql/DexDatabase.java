package dev.ferry.storage.sql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Lays out a database exactly as Dex v2.45.1 leaves it (its tables after its 13 migrations, 14 on
 * MySQL, and the {@code migrations} rows) and writes rows the way Dex's Go code writes them: nil
 * slices as JSON {@code null}, go-sqlite3's time text, JWKs as JSON objects. Written independently
 * of {@link Migrations} so that a change to Ferry's migrations cannot hide here.
 */
final class DexDatabase {

  static final Instant T = Instant.parse("2026-03-04T05:06:07.891Z");

  private static final String CLAIMS =
      "claims_user_id text not null, claims_username text not null, claims_email text not null,"
          + " claims_email_verified boolean not null, claims_groups bytea not null,"
          + " claims_preferred_username text not null default '', ";

  private static List<String> ddl(Dialect d) {
    return List.of(
        "create table migrations (num integer not null, at timestamptz not null)",
        "create table client (id text not null primary key, secret text not null, redirect_uris"
            + " bytea not null, trusted_peers bytea not null, public boolean not null, name text not"
            + " null, logo_url text not null)",
        "create table auth_request (id text not null primary key, client_id text not null,"
            + " response_types bytea not null, scopes bytea not null, redirect_uri text not null,"
            + " nonce text not null, state "
            + (d == Dialect.MYSQL ? "varchar(4096)" : "text not null")
            + ", force_approval_prompt boolean not null, logged_in boolean not null, "
            + CLAIMS
            + "connector_id text not null, connector_data bytea, expiry timestamptz not null,"
            + " code_challenge text not null default '', code_challenge_method text not null"
            + " default '', hmac_key bytea)",
        "create table auth_code (id text not null primary key, client_id text not null, scopes"
            + " bytea not null, nonce text not null, redirect_uri text not null, "
            + CLAIMS
            + "connector_id text not null, connector_data bytea, expiry timestamptz not null,"
            + " code_challenge text not null default '', code_challenge_method text not null"
            + " default '')",
        "create table refresh_token (id text not null primary key, client_id text not null,"
            + " scopes bytea not null, nonce text not null, "
            + CLAIMS
            + "connector_id text not null, connector_data bytea, token text not null default '',"
            + " created_at timestamptz not null default '0001-01-01 00:00:00 UTC', last_used"
            + " timestamptz not null default '0001-01-01 00:00:00 UTC', obsolete_token text"
            + " default '')",
        "create table password (email text not null primary key, hash bytea not null, username"
            + " text not null, user_id text not null, preferred_username text not null default '',"
            + " groups bytea not null default '[]', name text not null default '', email_verified"
            + " boolean)",
        "create table keys (id text not null primary key, verification_keys bytea not null,"
            + " signing_key bytea not null, signing_key_pub bytea not null, next_rotation"
            + " timestamptz not null)",
        "create table offline_session (user_id text not null, conn_id text not null, refresh"
            + " bytea not null, connector_data bytea, PRIMARY KEY (user_id, conn_id))",
        "create table connector (id text not null primary key, type text not null, name text not"
            + " null, resource_version text not null, config bytea)",
        "create table device_request (user_code text not null primary key, device_code text not"
            + " null, client_id text not null, client_secret text, scopes bytea not null, expiry"
            + " timestamptz not null)",
        "create table device_token (device_code text not null primary key, status text not null,"
            + " token bytea, expiry timestamptz not null, last_request timestamptz not null,"
            + " poll_interval integer not null, code_challenge text not null default '',"
            + " code_challenge_method text not null default '')");
  }

  static final String SIGNING_KEY =
      "{\"use\":\"sig\",\"kty\":\"RSA\",\"kid\":\"k2\",\"alg\":\"RS256\",\"n\":\"abc\",\"e\":\"AQAB\",\"d\":\"secret\"}";
  static final String SIGNING_KEY_PUB =
      "{\"use\":\"sig\",\"kty\":\"RSA\",\"kid\":\"k2\",\"alg\":\"RS256\",\"n\":\"abc\",\"e\":\"AQAB\"}";
  static final String OLD_KEY =
      "{\"use\":\"sig\",\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"n\":\"old\",\"e\":\"AQAB\"}";

  private DexDatabase() {}

  /** Creates Dex v2.45.1's schema and its migration rows. */
  static void createSchema(Connection c, Dialect d) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String sql : ddl(d)) {
        st.execute(d.translate(sql));
      }
      int migrations = d == Dialect.MYSQL ? 14 : 13;
      for (int i = 1; i <= migrations; i++) {
        st.execute(d.translate("insert into migrations (num, at) values (" + i + ", now())"));
      }
    }
  }

  /** Inserts one client, password, refresh token, offline session and the keys, as Dex would. */
  static void insertRows(Connection c, Dialect d) throws SQLException {
    insert(
        c,
        d,
        "insert into client (id, secret, redirect_uris, trusted_peers, public, name, logo_url)"
            + " values (?, ?, ?, ?, ?, ?, ?)",
        "example-app",
        "ZXhhbXBsZS1hcHAtc2VjcmV0",
        json("[\"http://127.0.0.1:5555/callback\"]"),
        json("null"),
        false,
        "Example App",
        "");
    insert(
        c,
        d,
        "insert into password (email, hash, username, user_id, preferred_username, groups, name,"
            + " email_verified) values (?, ?, ?, ?, ?, ?, ?, ?)",
        "admin@example.com",
        "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W"
            .getBytes(StandardCharsets.US_ASCII),
        "admin",
        "08a8684b-db88-4b73-90a9-3cd1661f5466",
        "",
        json("[\"admins\"]"),
        "",
        null);
    insert(
        c,
        d,
        "insert into refresh_token (id, client_id, scopes, nonce, claims_user_id,"
            + " claims_username, claims_preferred_username, claims_email, claims_email_verified,"
            + " claims_groups, connector_id, connector_data, token, obsolete_token, created_at,"
            + " last_used) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "rt-1",
        "example-app",
        json("[\"openid\",\"offline_access\"]"),
        "",
        "user-1",
        "Jane",
        "",
        "jane@example.com",
        true,
        json("null"),
        "local",
        null,
        "tok",
        "",
        T,
        T.plusSeconds(60));
    insert(
        c,
        d,
        "insert into offline_session (user_id, conn_id, refresh, connector_data) values (?, ?, ?,"
            + " ?)",
        "user-1",
        "local",
        json(
            "{\"example-app\":{\"ID\":\"rt-1\",\"ClientID\":\"example-app\","
                + "\"CreatedAt\":\"2026-03-04T05:06:07.891Z\","
                + "\"LastUsed\":\"2026-03-04T06:06:07.5+01:00\"}}"),
        null);
    insert(
        c,
        d,
        "insert into keys (id, verification_keys, signing_key, signing_key_pub, next_rotation)"
            + " values (?, ?, ?, ?, ?)",
        "keys",
        json("[{\"publicKey\":" + OLD_KEY + ",\"expiry\":\"2026-03-05T05:06:07.123456789Z\"}]"),
        json(SIGNING_KEY),
        json(SIGNING_KEY_PUB),
        T.plusSeconds(6 * 3600));
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void insert(Connection c, Dialect d, String sql, @Nullable Object... values)
      throws SQLException {
    try (PreparedStatement st = c.prepareStatement(d.translate(sql))) {
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        int idx = i + 1;
        if (v == null) {
          st.setNull(idx, java.sql.Types.NULL);
        } else if (v instanceof Instant t) {
          // How each Dex driver sends a time.Time.
          switch (d) {
            case SQLITE -> st.setString(idx, sqliteText(t));
            case POSTGRES -> st.setObject(idx, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            case MYSQL -> st.setObject(idx, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
          }
        } else {
          st.setObject(idx, v);
        }
      }
      st.executeUpdate();
    }
  }

  /** go-sqlite3's layout, written out by hand for the fixed instants used here. */
  private static String sqliteText(Instant t) {
    if (t.equals(T)) {
      return "2026-03-04 05:06:07.891+00:00";
    }
    if (t.equals(T.plusSeconds(60))) {
      return "2026-03-04 05:07:07.891+00:00";
    }
    if (t.equals(T.plusSeconds(6 * 3600))) {
      return "2026-03-04 11:06:07.891+00:00";
    }
    throw new IllegalArgumentException("no hand-written text for " + t);
  }
}
