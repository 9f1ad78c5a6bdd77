package dev.ferry.storage.sql;

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
import dev.ferry.storage.UserIdentity;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every entity's mapping onto Dex's tables (dex.md §6.4). Column names and encodings are Dex's; the
 * one Ferry-only column, {@code client.ferry_client_credentials_groups}, has a prefix so that a
 * later Dex migration can never collide with it. All mappings stay in this one file, long as it is,
 * so that the whole schema can be read (and compared with Dex's) in one place.
 */
final class Tables {

  private static final List<String> CLAIMS =
      List.of(
          "claims_user_id",
          "claims_username",
          "claims_preferred_username",
          "claims_email",
          "claims_email_verified",
          "claims_groups");

  final Table<Client> clients;
  final Table<AuthRequest> authRequests;
  final Table<AuthCode> authCodes;
  final Table<RefreshToken> refreshTokens;
  final Table<Password> passwords;
  final Table<OfflineSessions> offlineSessions;
  final Table<Connector> connectors;
  final Table<DeviceRequest> deviceRequests;
  final Table<DeviceToken> deviceTokens;
  final Table<UserIdentity> userIdentities;
  final Table<AuthSession> authSessions;

  private final JsonColumns json;

  Tables(JsonColumns json) {
    this.json = json;
    clients =
        new Table<>(
            "client",
            "client",
            List.of("id"),
            List.of(
                "secret",
                "redirect_uris",
                "trusted_peers",
                "public",
                "name",
                "logo_url",
                "allowed_connectors",
                "mfa_chain",
                "post_logout_redirect_uris",
                "sso_shared_with",
                "backchannel_logout_uri",
                "refresh_token_lifetime",
                "ferry_client_credentials_groups"),
            c -> List.of(c.id()),
            (c, p) ->
                p.string(c.secret())
                    .bytes(json.strings(c.redirectUris()))
                    .bytes(json.strings(c.trustedPeers()))
                    .bool(c.publicClient())
                    .string(c.name())
                    .string(c.logoUrl())
                    .bytes(json.strings(c.allowedConnectors()))
                    .bytes(json.strings(c.mfaChain()))
                    .bytes(json.strings(c.postLogoutRedirectUris()))
                    .bytes(json.strings(c.ssoSharedWith()))
                    .string(c.backchannelLogoutUri())
                    .string(c.refreshTokenLifetime())
                    .bytes(json.strings(c.clientCredentialsGroups())),
            r ->
                new Client(
                    r.string("id"),
                    r.string("secret"),
                    strings(r, "client.redirect_uris"),
                    strings(r, "client.trusted_peers"),
                    r.bool("public"),
                    r.string("name"),
                    r.string("logo_url"),
                    strings(r, "client.allowed_connectors"),
                    strings(r, "client.post_logout_redirect_uris"),
                    r.string("backchannel_logout_uri"),
                    r.string("refresh_token_lifetime"),
                    strings(r, "client.mfa_chain"),
                    strings(r, "client.sso_shared_with"),
                    strings(r, "client.ferry_client_credentials_groups")));

    authRequests =
        new Table<>(
            "auth_request",
            "auth request",
            List.of("id"),
            concat(
                List.of(
                    "client_id",
                    "response_types",
                    "scopes",
                    "redirect_uri",
                    "nonce",
                    "state",
                    "force_approval_prompt",
                    "logged_in"),
                CLAIMS,
                List.of(
                    "connector_id",
                    "connector_data",
                    "expiry",
                    "code_challenge",
                    "code_challenge_method",
                    "hmac_key",
                    "prompt",
                    "max_age",
                    "auth_time",
                    "mfa_validated",
                    "webauthn_session_data")),
            a -> List.of(a.id()),
            (a, p) -> {
              p.string(a.clientId())
                  .bytes(json.strings(a.responseTypes()))
                  .bytes(json.strings(a.scopes()))
                  .string(a.redirectUri())
                  .string(a.nonce())
                  .string(a.state())
                  .bool(a.forceApprovalPrompt())
                  .bool(a.loggedIn());
              writeClaims(a.claims(), p);
              p.string(a.connectorId())
                  .bytes(a.connectorData())
                  .instant(a.expiry())
                  .string(a.pkce().codeChallenge())
                  .string(a.pkce().codeChallengeMethod())
                  .bytes(a.hmacKey())
                  .string(a.prompt())
                  .integer(a.maxAge())
                  .nullableInstant(a.authTime())
                  .bool(a.mfaValidated())
                  .bytes(a.webauthnSessionData());
            },
            r ->
                new AuthRequest(
                    r.string("id"),
                    r.string("client_id"),
                    strings(r, "auth_request.response_types"),
                    strings(r, "auth_request.scopes"),
                    r.string("redirect_uri"),
                    r.string("nonce"),
                    r.string("state"),
                    r.bool("force_approval_prompt"),
                    r.instant("expiry"),
                    r.bool("logged_in"),
                    readClaims(r, "auth_request"),
                    r.string("connector_id"),
                    r.bytes("connector_data"),
                    readPkce(r),
                    r.bytes("hmac_key"),
                    r.string("prompt"),
                    r.integer("max_age"),
                    r.nullableInstant("auth_time"),
                    r.bool("mfa_validated"),
                    r.bytes("webauthn_session_data")));

    authCodes =
        new Table<>(
            "auth_code",
            "auth code",
            List.of("id"),
            concat(
                List.of("client_id", "scopes", "nonce", "redirect_uri"),
                CLAIMS,
                List.of(
                    "connector_id",
                    "connector_data",
                    "expiry",
                    "code_challenge",
                    "code_challenge_method",
                    "auth_time",
                    "session_id")),
            a -> List.of(a.id()),
            (a, p) -> {
              p.string(a.clientId())
                  .bytes(json.strings(a.scopes()))
                  .string(a.nonce())
                  .string(a.redirectUri());
              writeClaims(a.claims(), p);
              p.string(a.connectorId())
                  .bytes(a.connectorData())
                  .instant(a.expiry())
                  .string(a.pkce().codeChallenge())
                  .string(a.pkce().codeChallengeMethod())
                  .nullableInstant(a.authTime())
                  .string(a.sessionId());
            },
            r ->
                new AuthCode(
                    r.string("id"),
                    r.string("client_id"),
                    r.string("redirect_uri"),
                    r.string("nonce"),
                    strings(r, "auth_code.scopes"),
                    r.string("connector_id"),
                    r.bytes("connector_data"),
                    readClaims(r, "auth_code"),
                    r.instant("expiry"),
                    readPkce(r),
                    r.string("session_id"),
                    r.nullableInstant("auth_time")));

    refreshTokens =
        new Table<>(
            "refresh_token",
            "refresh token",
            List.of("id"),
            concat(
                List.of("client_id", "scopes", "nonce"),
                CLAIMS,
                List.of(
                    "connector_id",
                    "connector_data",
                    "token",
                    "obsolete_token",
                    "created_at",
                    "last_used")),
            t -> List.of(t.id()),
            (t, p) -> {
              p.string(t.clientId()).bytes(json.strings(t.scopes())).string(t.nonce());
              writeClaims(t.claims(), p);
              p.string(t.connectorId())
                  .bytes(t.connectorData())
                  .string(t.token())
                  .string(t.obsoleteToken())
                  .instant(t.createdAt())
                  .instant(t.lastUsed());
            },
            r ->
                new RefreshToken(
                    r.string("id"),
                    r.string("token"),
                    r.string("obsolete_token"),
                    r.instant("created_at"),
                    r.instant("last_used"),
                    r.string("client_id"),
                    r.string("connector_id"),
                    r.bytes("connector_data"),
                    readClaims(r, "refresh_token"),
                    strings(r, "refresh_token.scopes"),
                    r.string("nonce")));

    passwords =
        new Table<>(
            "password",
            "password",
            List.of("email"),
            List.of(
                "hash",
                "username",
                "user_id",
                "preferred_username",
                "groups",
                "name",
                "email_verified"),
            // Dex lower-cases the email key (storage/sql CreatePassword).
            pw -> List.of(pw.email().toLowerCase(Locale.ROOT)),
            (pw, p) ->
                p.bytes(pw.hash())
                    .string(pw.username())
                    .string(pw.userId())
                    .string(pw.preferredUsername())
                    .bytes(json.strings(pw.groups()))
                    .string(pw.name())
                    .nullableBool(pw.emailVerified()),
            r ->
                new Password(
                    r.string("email"),
                    r.bytes("hash"),
                    r.string("username"),
                    r.string("user_id"),
                    r.string("name"),
                    r.string("preferred_username"),
                    r.nullableBool("email_verified"),
                    strings(r, "password.groups")));

    offlineSessions =
        new Table<>(
            "offline_session",
            "offline session",
            List.of("user_id", "conn_id"),
            List.of("refresh", "connector_data"),
            s -> List.of(s.userId(), s.connId()),
            (s, p) -> p.bytes(json.refreshRefs(s.refresh())).bytes(s.connectorData()),
            r ->
                new OfflineSessions(
                    r.string("user_id"),
                    r.string("conn_id"),
                    json.refreshRefs(r.rawBytes("refresh")),
                    r.bytes("connector_data")));

    connectors =
        new Table<>(
            "connector",
            "connector",
            List.of("id"),
            List.of("type", "name", "resource_version", "config", "grant_types"),
            c -> List.of(c.id()),
            (c, p) ->
                p.string(c.type())
                    .string(c.name())
                    .string(c.resourceVersion())
                    .textBytes(c.config())
                    .bytes(json.strings(c.grantTypes())),
            r ->
                new Connector(
                    r.string("id"),
                    r.string("type"),
                    r.string("name"),
                    r.string("resource_version"),
                    r.textBytes("config"),
                    strings(r, "connector.grant_types")));

    deviceRequests =
        new Table<>(
            "device_request",
            "device request",
            List.of("user_code"),
            List.of("device_code", "client_id", "client_secret", "scopes", "expiry"),
            d -> List.of(d.userCode()),
            (d, p) ->
                p.string(d.deviceCode())
                    .string(d.clientId())
                    .string(d.clientSecret())
                    .bytes(json.strings(d.scopes()))
                    .instant(d.expiry()),
            r ->
                new DeviceRequest(
                    r.string("user_code"),
                    r.string("device_code"),
                    r.string("client_id"),
                    r.string("client_secret"),
                    strings(r, "device_request.scopes"),
                    r.instant("expiry")));

    deviceTokens =
        new Table<>(
            "device_token",
            "device token",
            List.of("device_code"),
            List.of(
                "status",
                "token",
                "expiry",
                "last_request",
                "poll_interval",
                "code_challenge",
                "code_challenge_method"),
            d -> List.of(d.deviceCode()),
            (d, p) ->
                p.string(d.status())
                    .textBytes(d.token())
                    .instant(d.expiry())
                    .instant(d.lastRequestTime())
                    .integer(d.pollIntervalSeconds())
                    .string(d.pkce().codeChallenge())
                    .string(d.pkce().codeChallengeMethod()),
            r ->
                new DeviceToken(
                    r.string("device_code"),
                    r.string("status"),
                    r.textBytes("token"),
                    r.instant("expiry"),
                    r.instant("last_request"),
                    r.integer("poll_interval"),
                    readPkce(r)));

    userIdentities =
        new Table<>(
            "user_identity",
            "user identity",
            List.of("user_id", "connector_id"),
            concat(
                CLAIMS,
                List.of(
                    "consents",
                    "mfa_secrets",
                    "webauthn_credentials",
                    "created_at",
                    "last_login",
                    "blocked_until")),
            u -> List.of(u.userId(), u.connectorId()),
            (u, p) -> {
              writeClaims(u.claims(), p);
              p.bytes(json.consents(u.consents()))
                  .bytes(u.mfaSecrets())
                  .bytes(u.webauthnCredentials())
                  .instant(u.createdAt())
                  .instant(u.lastLogin())
                  .nullableInstant(u.blockedUntil());
            },
            r ->
                new UserIdentity(
                    r.string("user_id"),
                    r.string("connector_id"),
                    readClaims(r, "user_identity"),
                    json.consents(r.rawBytes("consents")),
                    r.bytes("mfa_secrets"),
                    r.bytes("webauthn_credentials"),
                    r.instant("created_at"),
                    r.instant("last_login"),
                    r.nullableInstant("blocked_until")));

    authSessions =
        new Table<>(
            "auth_session",
            "auth session",
            List.of("id"),
            List.of(
                "secret",
                "user_id",
                "connector_id",
                "client_states",
                "created_at",
                "last_activity",
                "ip_address",
                "user_agent",
                "absolute_expiry",
                "idle_expiry",
                "logout_state"),
            s -> List.of(s.id()),
            (s, p) ->
                p.string(s.secret())
                    .string(s.userId())
                    .string(s.connectorId())
                    .bytes(json.clientStates(s.clientStates()))
                    .instant(s.createdAt())
                    .instant(s.lastActivity())
                    .string(s.ipAddress())
                    .string(s.userAgent())
                    .instant(s.absoluteExpiry())
                    .instant(s.idleExpiry())
                    .bytes(s.logoutState()),
            r ->
                new AuthSession(
                    r.string("id"),
                    r.string("secret"),
                    r.string("user_id"),
                    r.string("connector_id"),
                    json.clientStates(r.rawBytes("client_states")),
                    r.instant("created_at"),
                    r.instant("last_activity"),
                    r.string("ip_address"),
                    r.string("user_agent"),
                    r.instant("absolute_expiry"),
                    r.instant("idle_expiry"),
                    r.bytes("logout_state")));
  }

  /** Every table with the columns Ferry reads and writes, for the schema check. */
  List<Table<?>> all() {
    return List.of(
        clients,
        authRequests,
        authCodes,
        refreshTokens,
        passwords,
        offlineSessions,
        connectors,
        deviceRequests,
        deviceTokens,
        userIdentities,
        authSessions);
  }

  private List<String> strings(Row r, String tableDotColumn) throws SQLException {
    String column = tableDotColumn.substring(tableDotColumn.indexOf('.') + 1);
    return json.strings(r.rawBytes(column), tableDotColumn);
  }

  private void writeClaims(Claims c, Params p) {
    p.string(c.userId())
        .string(c.username())
        .string(c.preferredUsername())
        .string(c.email())
        .bool(c.emailVerified())
        .bytes(json.strings(c.groups()));
  }

  private Claims readClaims(Row r, String table) throws SQLException {
    return new Claims(
        r.string("claims_user_id"),
        r.string("claims_username"),
        r.string("claims_preferred_username"),
        r.string("claims_email"),
        r.bool("claims_email_verified"),
        json.strings(r.rawBytes("claims_groups"), table + ".claims_groups"));
  }

  private static Pkce readPkce(Row r) throws SQLException {
    return new Pkce(r.string("code_challenge"), r.string("code_challenge_method"));
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> out = new ArrayList<>();
    for (List<String> p : parts) {
      out.addAll(p);
    }
    return out;
  }
}
