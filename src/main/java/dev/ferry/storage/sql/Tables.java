package dev.ferry.storage.sql;

import static dev.ferry.storage.sql.Codec.BOOL;
import static dev.ferry.storage.sql.Codec.BYTES;
import static dev.ferry.storage.sql.Codec.INSTANT;
import static dev.ferry.storage.sql.Codec.INT;
import static dev.ferry.storage.sql.Codec.NULLABLE_BOOL;
import static dev.ferry.storage.sql.Codec.NULLABLE_INSTANT;
import static dev.ferry.storage.sql.Codec.STRING;
import static dev.ferry.storage.sql.Codec.TEXT_BYTES;

import dev.ferry.storage.AuthCode;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.AuthSession;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.DeviceRequest;
import dev.ferry.storage.DeviceToken;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Password;
import dev.ferry.storage.Pkce;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.UsedToken;
import dev.ferry.storage.UserIdentity;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Every entity's mapping onto Dex's tables (Dex: storage/sql/migrate.go for the columns,
 * storage/sql/crud.go for the encodings). Each table is its entity's fields in record-component
 * order, each a column name, the record accessor and a {@link Codec}; {@link Table} derives the
 * statements, the writer and the reader from that, and {@link SqlStorage} serves every table with
 * one generic {@link SqlRepository}. A column that holds one of the entity's expiries is named with
 * {@code expiry(column, getter)} instead of {@code column}; {@link SqlStorage#garbageCollect}
 * deletes from every table that names one, so an expiring entity needs nothing more for garbage
 * collection. Adding an entity is one more entry in {@link #all}. The one Ferry-only column, {@code
 * client.ferry_client_credentials_groups}, and the Ferry-only table, {@code ferry_used_tokens},
 * have a prefix so that a later Dex migration can never collide with them. All mappings stay in
 * this one file so that the whole schema can be read (and compared with Dex's) in one place.
 */
final class Tables {

  private static final List<String> CLAIMS_COLUMNS =
      List.of(
          "claims_user_id",
          "claims_username",
          "claims_preferred_username",
          "claims_email",
          "claims_email_verified",
          "claims_groups");

  private static final List<String> PKCE_COLUMNS =
      List.of("code_challenge", "code_challenge_method");

  /** The single-use records' table, which a Ferry migration creates. */
  static final String USED_TOKENS = "ferry_used_tokens";

  private final List<Table<?, ?>> all;

  Tables(JsonColumns json) {
    // JSON arrays of strings, Dex's encoding of []string (Dex: encoder/decoder in storage/sql).
    Codec<List<String>> strings =
        Codec.of(
            List.class,
            "bytea not null",
            (p, v) -> p.bytes(json.strings(v)),
            (r, column) -> json.strings(r.rawBytes(column), r.table() + "." + column));
    Codec<Claims> claims = claims(json);
    Codec<Map<String, OfflineSessions.RefreshTokenRef>> refreshRefs =
        Codec.of(
            Map.class,
            "bytea not null",
            (p, v) -> p.bytes(json.refreshRefs(v)),
            (r, column) -> json.refreshRefs(r.rawBytes(column)));
    Codec<Map<String, List<String>>> consents =
        Codec.of(
            Map.class,
            "bytea not null",
            (p, v) -> p.bytes(json.consents(v)),
            (r, column) -> json.consents(r.rawBytes(column)));
    Codec<Map<String, AuthSession.ClientAuthState>> clientStates =
        Codec.of(
            Map.class,
            "bytea not null",
            (p, v) -> p.bytes(json.clientStates(v)),
            (r, column) -> json.clientStates(r.rawBytes(column)));

    all =
        List.of(
            Table.of(Client.ENTITY, "client", Client.class)
                .key("id", Client::id)
                .column("secret", Client::secret, STRING)
                .column("redirect_uris", Client::redirectUris, strings)
                .column("trusted_peers", Client::trustedPeers, strings)
                .column("public", Client::publicClient, BOOL)
                .column("name", Client::name, STRING)
                .column("logo_url", Client::logoUrl, STRING)
                .column("allowed_connectors", Client::allowedConnectors, strings)
                .column("post_logout_redirect_uris", Client::postLogoutRedirectUris, strings)
                .column("backchannel_logout_uri", Client::backchannelLogoutUri, STRING)
                .column("refresh_token_lifetime", Client::refreshTokenLifetime, STRING)
                .column("mfa_chain", Client::mfaChain, strings)
                .column("sso_shared_with", Client::ssoSharedWith, strings)
                .column("ferry_client_credentials_groups", Client::clientCredentialsGroups, strings)
                .build(),
            Table.of(AuthRequest.ENTITY, "auth_request", AuthRequest.class)
                .key("id", AuthRequest::id)
                .column("client_id", AuthRequest::clientId, STRING)
                .column("response_types", AuthRequest::responseTypes, strings)
                .column("scopes", AuthRequest::scopes, strings)
                .column("redirect_uri", AuthRequest::redirectUri, STRING)
                .column("nonce", AuthRequest::nonce, STRING)
                .column("state", AuthRequest::state, STRING)
                .column("force_approval_prompt", AuthRequest::forceApprovalPrompt, BOOL)
                .expiry("expiry", AuthRequest::expiry)
                .column("logged_in", AuthRequest::loggedIn, BOOL)
                .columns(CLAIMS_COLUMNS, AuthRequest::claims, claims)
                .column("connector_id", AuthRequest::connectorId, STRING)
                .column("connector_data", AuthRequest::connectorData, BYTES)
                .columns(PKCE_COLUMNS, AuthRequest::pkce, PKCE)
                .column("hmac_key", AuthRequest::hmacKey, BYTES)
                .column("prompt", AuthRequest::prompt, STRING)
                .column("max_age", AuthRequest::maxAge, INT)
                .column("auth_time", AuthRequest::authTime, NULLABLE_INSTANT)
                .column("mfa_validated", AuthRequest::mfaValidated, BOOL)
                .column("webauthn_session_data", AuthRequest::webauthnSessionData, BYTES)
                .build(),
            Table.of(AuthCode.ENTITY, "auth_code", AuthCode.class)
                .key("id", AuthCode::id)
                .column("client_id", AuthCode::clientId, STRING)
                .column("redirect_uri", AuthCode::redirectUri, STRING)
                .column("nonce", AuthCode::nonce, STRING)
                .column("scopes", AuthCode::scopes, strings)
                .column("connector_id", AuthCode::connectorId, STRING)
                .column("connector_data", AuthCode::connectorData, BYTES)
                .columns(CLAIMS_COLUMNS, AuthCode::claims, claims)
                .expiry("expiry", AuthCode::expiry)
                .columns(PKCE_COLUMNS, AuthCode::pkce, PKCE)
                .column("session_id", AuthCode::sessionId, STRING)
                .column("auth_time", AuthCode::authTime, NULLABLE_INSTANT)
                .build(),
            Table.of(RefreshToken.ENTITY, "refresh_token", RefreshToken.class)
                .key("id", RefreshToken::id)
                .column("token", RefreshToken::token, STRING)
                .column("obsolete_token", RefreshToken::obsoleteToken, STRING)
                .column("created_at", RefreshToken::createdAt, INSTANT)
                .column("last_used", RefreshToken::lastUsed, INSTANT)
                .column("client_id", RefreshToken::clientId, STRING)
                .column("connector_id", RefreshToken::connectorId, STRING)
                .column("connector_data", RefreshToken::connectorData, BYTES)
                .columns(CLAIMS_COLUMNS, RefreshToken::claims, claims)
                .column("scopes", RefreshToken::scopes, strings)
                .column("nonce", RefreshToken::nonce, STRING)
                .build(),
            // Dex lower-cases the email key (storage/sql/crud.go CreatePassword); Password.ENTITY
            // makes the stored value canonical before it reaches this table.
            Table.of(Password.ENTITY, "password", Password.class)
                .key("email", Password::email)
                .column("hash", Password::hash, BYTES)
                .column("username", Password::username, STRING)
                .column("user_id", Password::userId, STRING)
                .column("name", Password::name, STRING)
                .column("preferred_username", Password::preferredUsername, STRING)
                .column("email_verified", Password::emailVerified, NULLABLE_BOOL)
                .column("groups", Password::groups, strings)
                .build(),
            Table.of(OfflineSessions.ENTITY, "offline_session", OfflineSessions.class)
                .key("user_id", OfflineSessions::userId)
                .key("conn_id", OfflineSessions::connId)
                .column("refresh", OfflineSessions::refresh, refreshRefs)
                .column("connector_data", OfflineSessions::connectorData, BYTES)
                .build(),
            Table.of(Connector.ENTITY, "connector", Connector.class)
                .key("id", Connector::id)
                .column("type", Connector::type, STRING)
                .column("name", Connector::name, STRING)
                .column("resource_version", Connector::resourceVersion, STRING)
                .column("config", Connector::config, TEXT_BYTES)
                .column("grant_types", Connector::grantTypes, strings)
                .build(),
            Table.of(DeviceRequest.ENTITY, "device_request", DeviceRequest.class)
                .key("user_code", DeviceRequest::userCode)
                .column("device_code", DeviceRequest::deviceCode, STRING)
                .column("client_id", DeviceRequest::clientId, STRING)
                .column("client_secret", DeviceRequest::clientSecret, STRING)
                .column("scopes", DeviceRequest::scopes, strings)
                .expiry("expiry", DeviceRequest::expiry)
                .build(),
            Table.of(DeviceToken.ENTITY, "device_token", DeviceToken.class)
                .key("device_code", DeviceToken::deviceCode)
                .column("status", DeviceToken::status, STRING)
                .column("token", DeviceToken::token, TEXT_BYTES)
                .expiry("expiry", DeviceToken::expiry)
                .column("last_request", DeviceToken::lastRequestTime, INSTANT)
                .column("poll_interval", DeviceToken::pollIntervalSeconds, INT)
                .columns(PKCE_COLUMNS, DeviceToken::pkce, PKCE)
                .build(),
            Table.of(UserIdentity.ENTITY, "user_identity", UserIdentity.class)
                .key("user_id", UserIdentity::userId)
                .key("connector_id", UserIdentity::connectorId)
                .columns(CLAIMS_COLUMNS, UserIdentity::claims, claims)
                .column("consents", UserIdentity::consents, consents)
                .column("mfa_secrets", UserIdentity::mfaSecrets, BYTES)
                .column("webauthn_credentials", UserIdentity::webauthnCredentials, BYTES)
                .column("created_at", UserIdentity::createdAt, INSTANT)
                .column("last_login", UserIdentity::lastLogin, INSTANT)
                .column("blocked_until", UserIdentity::blockedUntil, NULLABLE_INSTANT)
                .build(),
            Table.of(AuthSession.ENTITY, "auth_session", AuthSession.class)
                .key("id", AuthSession::id)
                .column("secret", AuthSession::secret, STRING)
                .column("user_id", AuthSession::userId, STRING)
                .column("connector_id", AuthSession::connectorId, STRING)
                .column("client_states", AuthSession::clientStates, clientStates)
                .column("created_at", AuthSession::createdAt, INSTANT)
                .column("last_activity", AuthSession::lastActivity, INSTANT)
                .column("ip_address", AuthSession::ipAddress, STRING)
                .column("user_agent", AuthSession::userAgent, STRING)
                .expiry("absolute_expiry", AuthSession::absoluteExpiry)
                .expiry("idle_expiry", AuthSession::idleExpiry)
                .column("logout_state", AuthSession::logoutState, BYTES)
                .build(),
            // Ferry-only (trust.singleUse, issue 8): created by Ferry migration 2 from this
            // description, with an index on expiry for garbage collection (Migrations.FERRY).
            Table.of(UsedToken.ENTITY, USED_TOKENS, UsedToken.class)
                .key("token_key", UsedToken::key)
                .column("issuer", UsedToken::issuer, STRING)
                .expiry("expiry", UsedToken::expiresAt)
                .build());
  }

  /** Every table with the columns Ferry reads and writes. */
  List<Table<?, ?>> all() {
    return all;
  }

  /** Dex spreads a PKCE challenge over two columns. */
  private static final Codec<Pkce> PKCE =
      new Codec<>() {
        @Override
        public Class<?> javaType() {
          return Pkce.class;
        }

        @Override
        public List<String> columnTypes() {
          return List.of("text not null", "text not null");
        }

        @Override
        public void write(Pkce value, Params p) {
          p.string(value.codeChallenge()).string(value.codeChallengeMethod());
        }

        @Override
        public Pkce read(Row r, List<String> columns) throws SQLException {
          return new Pkce(r.string(columns.get(0)), r.string(columns.get(1)));
        }
      };

  /** Dex spreads the claims over six {@code claims_*} columns. */
  private static Codec<Claims> claims(JsonColumns json) {
    return new Codec<>() {
      @Override
      public Class<?> javaType() {
        return Claims.class;
      }

      @Override
      public List<String> columnTypes() {
        return List.of(
            "text not null",
            "text not null",
            "text not null",
            "text not null",
            "boolean not null",
            "bytea not null");
      }

      @Override
      public void write(Claims c, Params p) {
        p.string(c.userId())
            .string(c.username())
            .string(c.preferredUsername())
            .string(c.email())
            .bool(c.emailVerified())
            .bytes(json.strings(c.groups()));
      }

      @Override
      public Claims read(Row r, List<String> columns) throws SQLException {
        return new Claims(
            r.string(columns.get(0)),
            r.string(columns.get(1)),
            r.string(columns.get(2)),
            r.string(columns.get(3)),
            r.bool(columns.get(4)),
            json.strings(r.rawBytes(columns.get(5)), r.table() + "." + columns.get(5)));
      }
    };
  }
}
