package dev.ferry.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Sample objects for storage tests. A "full" sample sets every field to a non-default value
 * (unicode text, every byte value, non-null optional instants) so a backend that drops or mangles a
 * field fails the round trip; a "minimal" sample leaves every field empty or null. All instants are
 * truncated to the millisecond: that is the precision every backend keeps (MySQL's datetime(3) is
 * the coarsest Dex column).
 */
public final class StorageFixtures {

  /** The fixed "now" of the tests. */
  public static final Instant NOW = Instant.parse("2026-03-04T05:06:07.891Z");

  private StorageFixtures() {}

  public static Instant at(Duration offset) {
    return NOW.plus(offset);
  }

  /** Every byte value once, so encodings that treat bytes as text are caught. */
  public static byte[] allBytes() {
    byte[] b = new byte[256];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  public static Claims claims(boolean full) {
    return full
        ? new Claims(
            "user-ü-1", "Jane Ünicode", "jane", "jane@example.com", true, List.of("admins", "ops"))
        : Claims.EMPTY;
  }

  public static Pkce pkce(boolean full) {
    return full ? new Pkce("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256") : Pkce.NONE;
  }

  public static AuthRequest authRequest(String id, Instant expiry, boolean full) {
    return full
        ? new AuthRequest(
            id,
            "client-1",
            List.of("code", "id_token"),
            List.of("openid", "email", "offline_access"),
            "https://app.example.com/callback?x=1&y=ü",
            "nonce-1",
            "state-\"quoted\"",
            true,
            expiry,
            true,
            claims(true),
            "oidc",
            "{\"upstream\":\"data\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            pkce(true),
            allBytes(),
            "login consent",
            3600,
            NOW.minusSeconds(30),
            true,
            new byte[] {1, 2, 3})
        : new AuthRequest(
            id,
            "c",
            List.of(),
            List.of(),
            "",
            "",
            "",
            false,
            expiry,
            false,
            claims(false),
            "",
            new byte[0],
            pkce(false),
            new byte[0],
            "",
            -1,
            null,
            false,
            new byte[0]);
  }

  public static AuthCode authCode(String id, Instant expiry, boolean full) {
    return full
        ? new AuthCode(
            id,
            "client-1",
            "https://app.example.com/cb",
            "nonce",
            List.of("openid", "groups"),
            "oidc",
            allBytes(),
            claims(true),
            expiry,
            pkce(true),
            "session-1",
            NOW.minusSeconds(5))
        : new AuthCode(
            id,
            "c",
            "",
            "",
            List.of(),
            "",
            new byte[0],
            claims(false),
            expiry,
            pkce(false),
            "",
            null);
  }

  public static Client client(String id, boolean full) {
    return full
        ? new Client(
            id,
            "secret-ü-" + id,
            List.of("https://a.example.com/cb", "http://localhost:8080/cb"),
            List.of("peer-1", "peer-2"),
            true,
            "Client " + id,
            "https://a.example.com/logo.png",
            List.of("oidc", "local"),
            List.of("https://a.example.com/bye"),
            "https://a.example.com/backchannel",
            "session",
            List.of("totp"),
            List.of("other-client"),
            List.of("machines", "ci"))
        : Client.of(id, "", "");
  }

  public static RefreshToken refresh(String id, boolean full) {
    return full
        ? new RefreshToken(
            id,
            "token-" + id,
            "obsolete-" + id,
            NOW.minus(Duration.ofDays(3)),
            NOW.minus(Duration.ofHours(1)),
            "client-1",
            "oidc",
            allBytes(),
            claims(true),
            List.of("openid", "offline_access"),
            "nonce-r")
        : new RefreshToken(
            id, "", "", NOW, NOW, "c", "", new byte[0], claims(false), List.of(), "");
  }

  public static Password password(String email, boolean full) {
    return full
        ? new Password(
            email,
            "$2a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            "jane",
            "user-1",
            "Jane Doe",
            "jd",
            false,
            List.of("g1", "g2"))
        : new Password(email, new byte[] {'x'}, "", "", "", "", null, List.of());
  }

  public static OfflineSessions offline(String userId, String connId, boolean full) {
    return full
        ? new OfflineSessions(
            userId,
            connId,
            Map.of(
                "client-1",
                new OfflineSessions.RefreshTokenRef(
                    "r1", "client-1", NOW.minusSeconds(100), NOW.minusSeconds(10)),
                "client-2",
                new OfflineSessions.RefreshTokenRef("r2", "client-2", NOW, NOW)),
            allBytes())
        : new OfflineSessions(userId, connId, Map.of(), new byte[0]);
  }

  public static Connector connector(String id, boolean full) {
    return full
        ? new Connector(
            id,
            "oidc",
            "Upstream " + id,
            "rv-1",
            "{\"issuer\":\"https://issuer.example.com\",\"clientID\":\"x\"}",
            List.of("urn:ietf:params:oauth:grant-type:token-exchange", "authorization_code"))
        : new Connector(id, "mockCallback", "", "", "", List.of());
  }

  public static Keys keys(boolean full) {
    return full
        ? new Keys(
            "{\"kty\":\"oct\",\"kid\":\"private\",\"k\":\"c2VjcmV0\"}",
            "{\"kty\":\"oct\",\"kid\":\"public\"}",
            List.of(
                new Keys.VerificationKey(
                    "{\"kty\":\"oct\",\"kid\":\"old-1\"}", NOW.plusSeconds(60)),
                new Keys.VerificationKey("{\"kty\":\"oct\",\"kid\":\"old-2\"}", NOW)),
            NOW.plus(Duration.ofHours(6)))
        : new Keys(null, null, List.of(), NOW);
  }

  public static DeviceRequest deviceRequest(String userCode, Instant expiry, boolean full) {
    return full
        ? new DeviceRequest(
            userCode, "device-" + userCode, "client-1", "secret", List.of("openid"), expiry)
        : new DeviceRequest(userCode, "", "c", "", List.of(), expiry);
  }

  public static DeviceToken deviceToken(String code, Instant expiry, boolean full) {
    return full
        ? new DeviceToken(
            code,
            "complete",
            "{\"access_token\":\"x\",\"token_type\":\"bearer\"}",
            expiry,
            NOW.minusSeconds(1),
            5,
            pkce(true))
        : new DeviceToken(code, "authorization_pending", "", expiry, NOW, 0, pkce(false));
  }

  public static UserIdentity userIdentity(String userId, String connectorId, boolean full) {
    return full
        ? new UserIdentity(
            userId,
            connectorId,
            claims(true),
            Map.of("client-1", List.of("openid", "email"), "client-2", List.of()),
            allBytes(),
            new byte[] {9, 8, 7},
            NOW.minus(Duration.ofDays(10)),
            NOW.minusSeconds(3),
            NOW.plusSeconds(600))
        : new UserIdentity(
            userId, connectorId, claims(false), Map.of(), new byte[0], new byte[0], NOW, NOW, null);
  }

  public static AuthSession authSession(
      String id, Instant absoluteExpiry, Instant idleExpiry, boolean full) {
    return full
        ? new AuthSession(
            id,
            "secret-" + id,
            "user-1",
            "oidc",
            Map.of(
                "client-1",
                new AuthSession.ClientAuthState(
                    NOW.minusSeconds(100), NOW.minusSeconds(50), NOW.minusSeconds(10), true)),
            NOW.minus(Duration.ofHours(1)),
            NOW.minusSeconds(20),
            "192.0.2.1",
            "Mozilla/5.0 (ü)",
            absoluteExpiry,
            idleExpiry,
            "{\"state\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        : new AuthSession(
            id, "", "", "", Map.of(), NOW, NOW, "", "", absoluteExpiry, idleExpiry, new byte[0]);
  }

  /** A client whose name holds a counter, for the concurrency tests. */
  public static Client counterClient(String id, int value) {
    return Client.of(id, "s", Integer.toString(value));
  }
}
