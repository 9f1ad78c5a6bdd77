package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.token.grant.PersonGrantServer.CLIENT;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.CONNECTOR;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.JANE;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertError;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertSuccess;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.claims;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.form;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.RefreshConnector;
import dev.ferry.connector.mock.MockCallbackConnector;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.FaultyStorage;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.endpoint.token.grant.PersonGrantServer.Backend;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.OfflineSessions.RefreshTokenRef;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.Storage;
import dev.ferry.storage.UserConnectorKey;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.token.RefreshPolicy;
import dev.ferry.token.RefreshTokenCodec;
import dev.ferry.token.SubjectCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The refresh_token grant through real HTTP, on memory and SQLite storage, over Dex's refresh token
 * fixture written directly in storage (Dex: server/server_grant_refresh_test.go
 * mockRefreshTokenTestStorage, TestRefreshTokenExpirationScenarios,
 * TestHandleRefreshTokenAllowedConnectors; server/tokens/refresh_store_test.go; and every error and
 * rotation case of server/grants/refresh.go and server/tokens/refresh_lookup.go).
 */
class RefreshTokenGrantTest {
  private static final String CLAIMED =
      "Refresh token is invalid or has already been claimed by another client.";

  /** Dex's fixture token: internal.Marshal(&RefreshToken{RefreshId: "test", Token: "bar"}). */
  private static final String BAR = "CgR0ZXN0EgNiYXI";

  private static final Duration SECOND = Duration.ofSeconds(1);

  @TempDir Path dir;

  /** Dex: mockRefreshTokenTestStorage; with {@code useObsolete}, "bar" was already rotated. */
  private static Consumer<Storage> dexFixture(boolean useObsolete) {
    return s -> {
      s.refreshTokens()
          .create(
              new RefreshToken(
                  "test",
                  useObsolete ? "testtest" : "bar",
                  useObsolete ? "bar" : "",
                  WebFixture.START,
                  WebFixture.START,
                  CLIENT,
                  CONNECTOR,
                  "{\"some\":\"data\"}".getBytes(StandardCharsets.UTF_8),
                  JANE,
                  List.of("openid", "email", "profile"),
                  "foo"));
      s.offlineSessions()
          .create(
              new OfflineSessions(
                  "1",
                  CONNECTOR,
                  Map.of(
                      CLIENT,
                      new RefreshTokenRef("test", CLIENT, WebFixture.START, WebFixture.START)),
                  new byte[0]));
    };
  }

  private PersonGrantServer start(Backend backend, RefreshPolicy policy) throws Exception {
    return PersonGrantServer.start(backend, dir, b -> b.refreshPolicy(policy), dexFixture(false));
  }

  private static Map<String, String> refresh(String token) {
    return form("grant_type", "refresh_token", "refresh_token", token);
  }

  private static RefreshPolicy policy(
      boolean rotate, Duration absolute, Duration unused, Duration reuse) {
    return new RefreshPolicy(rotate, absolute, unused, reuse);
  }

  static Stream<Arguments> expirationScenarios() {
    Duration zero = Duration.ZERO;
    Stream<Arguments> scenarios =
        Stream.of(
            Arguments.of("Normal", RefreshPolicy.DEFAULT, false, zero, ""),
            Arguments.of(
                "Not expired because used",
                policy(false, zero, Duration.ofSeconds(60), zero),
                false,
                Duration.ofSeconds(25),
                ""),
            Arguments.of(
                "Expired because not used",
                policy(false, zero, Duration.ofSeconds(60), zero),
                false,
                Duration.ofHours(1),
                "Refresh token expired."),
            Arguments.of(
                "Absolutely expired",
                policy(true, Duration.ofSeconds(60), zero, zero),
                false,
                Duration.ofHours(1),
                "Refresh token expired."),
            Arguments.of(
                "Obsolete tokens are allowed",
                policy(true, zero, zero, Duration.ofSeconds(30)),
                true,
                Duration.ofSeconds(25),
                ""),
            Arguments.of(
                "Obsolete tokens are not allowed",
                policy(true, zero, zero, zero),
                true,
                Duration.ofSeconds(25),
                CLAIMED),
            Arguments.of(
                "Obsolete tokens are allowed but token is expired globally",
                policy(true, Duration.ofSeconds(20), zero, Duration.ofSeconds(30)),
                true,
                Duration.ofSeconds(25),
                "Refresh token expired."));
    return scenarios.flatMap(a ->
        Stream.of(Backend.values())
            .map(b -> Arguments.of(b, a.get()[0], a.get()[1], a.get()[2], a.get()[3], a.get()[4])));
  }

  /** Dex: TestRefreshTokenExpirationScenarios, the same seven cases and answers. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("expirationScenarios")
  void dexsExpirationScenarios(
      Backend backend,
      String name,
      RefreshPolicy policy,
      boolean useObsolete,
      Duration later,
      String error)
      throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            backend, dir, b -> b.refreshPolicy(policy), dexFixture(useObsolete))) {
      ferry.web().clock.advance(later);
      HttpResponse<String> response = ferry.token(refresh(BAR));
      if (!error.isEmpty()) {
        assertError(response, 400, "invalid_request", error);
        return;
      }
      assertSuccess(response);
      String token = json(response).path("refresh_token").asText();
      if (policy.rotate()) {
        assertThat(token).isNotEqualTo(BAR);
      } else {
        assertThat(token).isEqualTo(BAR);
      }
      if (useObsolete) {
        assertThat(token).isEqualTo(RefreshTokenCodec.encode("test", "testtest"));
      }
    }
  }

  /** Dex: TestHandleRefreshTokenAllowedConnectors. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "connector in allowed list|test|200",
        "connector matches non-first entry|other test|200",
        "connector not in allowed list|other|400",
        "empty allowed list permits any connector||200",
      })
  void theClientsAllowedConnectorsApply(String name, String allowed, int status) throws Exception {
    try (PersonGrantServer ferry = start(Backend.MEMORY, RefreshPolicy.DEFAULT)) {
      ferry
          .storage()
          .clients()
          .update(
              CLIENT,
              c ->
                  c.withAllowedConnectors(
                      allowed == null ? List.of() : List.of(allowed.split(" "))));
      HttpResponse<String> response = ferry.token(refresh(BAR));
      if (status == 200) {
        assertSuccess(response);
      } else {
        assertError(response, 400, "invalid_grant", "Connector not allowed for this client.");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "missing||400|invalid_request|No refresh token is found in request.",
        "unknown id|CgV0ZXN0MhIDYmFy|400|invalid_request|" + CLAIMED,
        "wrong secret|CgR0ZXN0EgNiYXo|400|invalid_request|" + CLAIMED,
        "raw id of a token that has a secret|test|400|invalid_request|" + CLAIMED,
        "garbage|%%%|400|invalid_request|" + CLAIMED,
      })
  void refusedTokens(String name, String token, int status, String error, String description)
      throws Exception {
    try (PersonGrantServer ferry = start(Backend.MEMORY, RefreshPolicy.DEFAULT)) {
      assertError(ferry.token(refresh(token == null ? "" : token)), status, error, description);
      assertThat(ferry.storage().refreshTokens().get("test").orElseThrow().token())
          .isEqualTo("bar");
    }
  }

  /** Dex: a token presented by another client is invalid_grant, whatever its secret. */
  @Test
  void anotherClientsTokenIsInvalidGrant() throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            dexFixture(false).andThen(s -> s.clients().create(Client.of("other", "s", "Other"))))) {
      assertError(ferry.tokenAs("other", "s", refresh(BAR)), 400, "invalid_grant", CLAIMED);
      assertError(
          ferry.tokenAs("other", "s", refresh("CgR0ZXN0EgNiYXo")), 400, "invalid_grant", CLAIMED);
    }
  }

  /**
   * Rotation on every use; a replayed previous secret is refused and, as in Dex, nothing is
   * revoked: the current secret keeps working (Dex: LookupRefreshToken returns
   * ErrRefreshTokenInvalid and deletes nothing).
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void rotationRefusesTheReplayedSecretAndKeepsTheFamily(Backend backend) throws Exception {
    try (PersonGrantServer ferry = start(backend, RefreshPolicy.DEFAULT)) {
      ferry.web().clock.advance(SECOND);
      HttpResponse<String> first = ferry.token(refresh(BAR));
      assertSuccess(first);
      String t1 = json(first).path("refresh_token").asText();
      RefreshTokenCodec.Value v1 = RefreshTokenCodec.decode(t1).orElseThrow();
      assertThat(v1.refreshId()).isEqualTo("test");
      RefreshToken row = ferry.storage().refreshTokens().get("test").orElseThrow();
      assertThat(row.token()).isEqualTo(v1.token()).hasSize(25);
      assertThat(row.obsoleteToken()).isEqualTo("bar");
      assertThat(row.lastUsed()).isAfter(WebFixture.START);
      assertThat(row.createdAt()).isEqualTo(WebFixture.START);
      assertThat(row.connectorData()).isEmpty();
      // The stored claims follow the connector's refreshed identity, all but the user id.
      assertThat(row.claims().userId()).isEqualTo("1");
      assertThat(row.claims().username()).isEqualTo("Kilgore Trout");
      assertThat(row.claims().groups()).containsExactly("authors");
      OfflineSessions session = ferry.session();
      assertThat(ferry.sessionRef(CLIENT).lastUsed()).isEqualTo(row.lastUsed());
      assertThat(new String(session.connectorData(), StandardCharsets.UTF_8)).isEqualTo("foobar");

      assertError(ferry.token(refresh(BAR)), 400, "invalid_request", CLAIMED);
      assertThat(ferry.storage().refreshTokens().get("test")).isPresent();

      HttpResponse<String> second = ferry.token(refresh(t1));
      assertSuccess(second);
      String t2 = json(second).path("refresh_token").asText();
      assertThat(t2).isNotEqualTo(t1);
      assertError(ferry.token(refresh(t1)), 400, "invalid_request", CLAIMED);
    }
  }

  /**
   * Within {@code reuseInterval} of the last use nothing rotates: the current secret and the
   * previous one both get the current secret back. After it, the previous one is refused.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void theReuseIntervalReturnsTheSameNewToken(Backend backend) throws Exception {
    try (PersonGrantServer ferry =
        start(backend, policy(true, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30)))) {
      // Within the window of the fixture's last use, even the current secret is not rotated.
      assertThat(json(ferry.token(refresh(BAR))).path("refresh_token").asText()).isEqualTo(BAR);

      ferry.web().clock.advance(Duration.ofSeconds(31));
      String t1 = json(ferry.token(refresh(BAR))).path("refresh_token").asText();
      assertThat(t1).isNotEqualTo(BAR);
      Instant rotatedAt = ferry.storage().refreshTokens().get("test").orElseThrow().lastUsed();

      ferry.web().clock.advance(Duration.ofSeconds(20));
      assertThat(json(ferry.token(refresh(BAR))).path("refresh_token").asText()).isEqualTo(t1);
      assertThat(json(ferry.token(refresh(t1))).path("refresh_token").asText()).isEqualTo(t1);
      // The last use does not move while reuse is allowed.
      assertThat(ferry.storage().refreshTokens().get("test").orElseThrow().lastUsed())
          .isEqualTo(rotatedAt);

      ferry.web().clock.advance(Duration.ofSeconds(11));
      assertError(ferry.token(refresh(BAR)), 400, "invalid_request", CLAIMED);
      String t2 = json(ferry.token(refresh(t1))).path("refresh_token").asText();
      assertThat(t2).isNotEqualTo(t1).isNotEqualTo(BAR);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void withRotationDisabledTheSameTokenIsReturnedAndItsUseRecorded(Backend backend)
      throws Exception {
    try (PersonGrantServer ferry =
        start(backend, policy(false, Duration.ZERO, Duration.ofMinutes(10), Duration.ZERO))) {
      for (int i = 0; i < 3; i++) {
        ferry.web().clock.advance(Duration.ofMinutes(9));
        assertThat(json(ferry.token(refresh(BAR))).path("refresh_token").asText()).isEqualTo(BAR);
      }
      RefreshToken row = ferry.storage().refreshTokens().get("test").orElseThrow();
      assertThat(row.token()).isEqualTo("bar");
      assertThat(row.obsoleteToken()).isEmpty();
      assertThat(row.lastUsed()).isAfter(WebFixture.START.plus(Duration.ofMinutes(26)));
      ferry.web().clock.advance(Duration.ofMinutes(11));
      assertError(ferry.token(refresh(BAR)), 400, "invalid_request", "Refresh token expired.");
    }
  }

  @Test
  void scopesMayNarrowButNotWiden() throws Exception {
    try (PersonGrantServer ferry = start(Backend.MEMORY, RefreshPolicy.DEFAULT)) {
      assertError(
          ferry.token(
              form(
                  "grant_type",
                  "refresh_token",
                  "refresh_token",
                  BAR,
                  "scope",
                  "openid groups offline_access")),
          400,
          "invalid_request",
          "Requested scopes contain unauthorized scope(s): [\"groups\" \"offline_access\"].");

      HttpResponse<String> narrowed =
          ferry.token(
              form("grant_type", "refresh_token", "refresh_token", BAR, "scope", "openid email"));
      assertSuccess(narrowed);
      JsonNode id = claims(json(narrowed).path("id_token").asText());
      assertThat(id.path("email").asText()).isEqualTo("kilgore@kilgore.trout");
      assertThat(id.has("name")).isFalse();
      // The token keeps the scopes it was granted.
      assertThat(ferry.storage().refreshTokens().get("test").orElseThrow().scopes())
          .containsExactly("openid", "email", "profile");
    }
  }

  /** Dex mints the ID token on refresh whatever the scopes, with the token's nonce. */
  @Test
  void theTokenSetOfARefresh() throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            dexFixture(false)
                .andThen(
                    s -> s.refreshTokens().update("test", r -> withScopes(r, List.of("email")))))) {
      HttpResponse<String> response = ferry.token(refresh(BAR));
      assertSuccess(response);
      JsonNode body = json(response);
      assertThat(body.path("expires_in").asLong()).isEqualTo(86399);
      JsonNode id = claims(body.path("id_token").asText());
      assertThat(id.path("nonce").asText()).isEqualTo("foo");
      assertThat(id.has("auth_time")).isFalse();
      assertThat(id.has("c_hash")).isFalse();
      assertThat(id.has("at_hash")).isTrue();
      // The refreshed identity is the connector's, user id included (Dex: ClaimsFromIdentity).
      assertThat(id.path("sub").asText())
          .isEqualTo(SubjectCodec.encode(MockCallbackConnector.IDENTITY.userId(), CONNECTOR));
      assertThat(claims(body.path("access_token").asText()).path("nonce").asText())
          .isEqualTo("foo");
    }
  }

  private static RefreshToken withScopes(RefreshToken r, List<String> scopes) {
    return new RefreshToken(
        r.id(),
        r.token(),
        r.obsoleteToken(),
        r.createdAt(),
        r.lastUsed(),
        r.clientId(),
        r.connectorId(),
        r.connectorData(),
        r.claims(),
        scopes,
        r.nonce());
  }

  /** A refreshing connector that records what it is given and answers as told. */
  private static final class Recorder implements RefreshConnector {
    final List<Identity> seen = new CopyOnWriteArrayList<>();
    volatile boolean fail;

    @Override
    public Identity refresh(ConnectorScopes scopes, Identity identity) throws IdentityException {
      seen.add(identity);
      if (fail) {
        throw new IdentityException("upstream: refresh token expired");
      }
      return new Identity(
          identity.userId(),
          "Jane Doe",
          "jd",
          identity.email(),
          identity.emailVerified(),
          List.of("c"),
          "new-data".getBytes(StandardCharsets.UTF_8));
    }
  }

  private PersonGrantServer withRecorder(Recorder recorder, Consumer<Storage> setup)
      throws Exception {
    return PersonGrantServer.start(
        Backend.MEMORY,
        dir,
        b ->
            b.connectorsFrom(storage -> {
              ConnectorLookup others = new WebFixture.StorageConnectors(storage);
              return id ->
                  id.equals(CONNECTOR)
                      ? storage.connectors().get(id).map(d -> new OpenedConnector(d, recorder))
                      : others.get(id);
            }),
        dexFixture(false).andThen(setup));
  }

  @Test
  void theConnectorRefreshesWithTheTokensLegacyDataThenTheOfflineSessions() throws Exception {
    Recorder recorder = new Recorder();
    try (PersonGrantServer ferry = withRecorder(recorder, s -> {})) {
      String t1 = json(ferry.token(refresh(BAR))).path("refresh_token").asText();
      assertThat(new String(recorder.seen.get(0).connectorData(), StandardCharsets.UTF_8))
          .isEqualTo("{\"some\":\"data\"}");
      assertThat(recorder.seen.get(0).username()).isEqualTo("jane");
      assertThat(new String(ferry.session().connectorData(), StandardCharsets.UTF_8))
          .isEqualTo("new-data");

      HttpResponse<String> second = ferry.token(refresh(t1));
      assertSuccess(second);
      assertThat(new String(recorder.seen.get(1).connectorData(), StandardCharsets.UTF_8))
          .isEqualTo("new-data");
      assertThat(recorder.seen.get(1).username()).isEqualTo("Jane Doe");
      JsonNode id = claims(json(second).path("id_token").asText());
      assertThat(id.path("name").asText()).isEqualTo("Jane Doe");
      assertThat(id.path("preferred_username").asText()).isEqualTo("jd");
    }
  }

  /**
   * A connector that refuses is 400 invalid_grant (Dex: 500 invalid_request), and the token is left
   * as it was.
   */
  @Test
  void aConnectorThatRefusesLeavesTheTokenUntouched() throws Exception {
    Recorder recorder = new Recorder();
    recorder.fail = true;
    try (PersonGrantServer ferry = withRecorder(recorder, s -> {})) {
      assertError(
          ferry.token(refresh(BAR)),
          400,
          "invalid_grant",
          "The identity provider no longer accepts this login; log in again.");
      RefreshToken row = ferry.storage().refreshTokens().get("test").orElseThrow();
      assertThat(row.token()).isEqualTo("bar");
      assertThat(row.obsoleteToken()).isEmpty();
      assertThat(row.lastUsed()).isEqualTo(WebFixture.START);
      assertThat(recorder.seen).hasSize(1);
      recorder.fail = false;
      assertSuccess(ferry.token(refresh(BAR)));
    }
  }

  @Test
  void aConnectorThatCannotRefreshKeepsTheStoredClaims() throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            dexFixture(false)
                .andThen(s -> {
                  s.connectors().delete(CONNECTOR);
                  s.connectors()
                      .create(new Connector(CONNECTOR, "plain", "Plain", "1", "{}", List.of()));
                }))) {
      HttpResponse<String> response = ferry.token(refresh(BAR));
      assertSuccess(response);
      JsonNode id = claims(json(response).path("id_token").asText());
      assertThat(id.path("sub").asText()).isEqualTo(SubjectCodec.encode("1", CONNECTOR));
      assertThat(id.path("name").asText()).isEqualTo("jane");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "removed|Requested connector does not exist.",
        "no longer allows refresh_token|Requested connector does not support this grant type.",
      })
  void theTokensConnectorIsCheckedOnEveryRefresh(String change, String description)
      throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            dexFixture(false)
                .andThen(s -> {
                  s.connectors().delete(CONNECTOR);
                  if (change.startsWith("no longer")) {
                    s.connectors()
                        .create(
                            new Connector(
                                CONNECTOR,
                                "mockCallback",
                                "Mock",
                                "1",
                                "{}",
                                List.of("authorization_code")));
                  }
                }))) {
      assertError(ferry.token(refresh(BAR)), 400, "invalid_request", description);
    }
  }

  /** An offline session that no longer names the token: Dex fails the refresh (500). */
  @Test
  void anOfflineSessionThatDoesNotNameTheTokenFailsTheRefresh() throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            dexFixture(false)
                .andThen(s ->
                    s.offlineSessions()
                        .update(
                            new UserConnectorKey("1", CONNECTOR),
                            o ->
                                new OfflineSessions(
                                    o.userId(), o.connId(), Map.of(), new byte[0]))))) {
      assertError(ferry.token(refresh(BAR)), 500, "invalid_request", "");
    }
  }

  /** Dex: parseRefreshToken takes a value that does not decode for a raw id with no secret. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void aLegacyRawIdStillRefreshesItsSecretlessRow(Backend backend) throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            backend,
            dir,
            b -> b,
            s -> {
              s.refreshTokens()
                  .create(
                      new RefreshToken(
                          "legacyidlegacyidlegacyidl",
                          "",
                          "",
                          WebFixture.START,
                          WebFixture.START,
                          CLIENT,
                          CONNECTOR,
                          new byte[0],
                          JANE,
                          List.of("openid"),
                          ""));
              s.offlineSessions()
                  .create(
                      new OfflineSessions(
                          "1",
                          CONNECTOR,
                          Map.of(
                              CLIENT,
                              new RefreshTokenRef(
                                  "legacyidlegacyidlegacyidl",
                                  CLIENT,
                                  WebFixture.START,
                                  WebFixture.START)),
                          new byte[0]));
            })) {
      HttpResponse<String> response = ferry.token(refresh("legacyidlegacyidlegacyidl"));
      assertSuccess(response);
      RefreshTokenCodec.Value rotated =
          RefreshTokenCodec.decode(json(response).path("refresh_token").asText()).orElseThrow();
      assertThat(rotated.refreshId()).isEqualTo("legacyidlegacyidlegacyidl");
      assertThat(rotated.token()).hasSize(25);
      assertError(
          ferry.token(refresh("legacyidlegacyidlegacyidl")), 400, "invalid_request", CLAIMED);
    }
  }

  /** A refreshing connector that counts its calls and holds each until released. */
  private static final class Blocking implements RefreshConnector {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Identity refresh(ConnectorScopes scopes, Identity identity) throws IdentityException {
      calls.incrementAndGet();
      entered.countDown();
      try {
        if (!release.await(20, TimeUnit.SECONDS)) {
          throw new IdentityException("test connector was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IdentityException("interrupted");
      }
      return identity;
    }
  }

  /**
   * Two concurrent refreshes of one token: the second waits for the first, sees the row it wrote
   * and never reaches the connector (an upstream with reuse detection would revoke the family).
   * Without a reuse interval the loser gets Dex's answer for a lost race; with one, the winner's
   * new token.
   */
  @ParameterizedTest
  @CsvSource({"0, false", "30, true"})
  void concurrentRefreshesOfOneTokenCallTheConnectorOnce(long reuseSeconds, boolean loserGetsToken)
      throws Exception {
    Blocking connector = new Blocking();
    // The grant opens the token's connector once the lookup has read the row: a connector read
    // tells that a request has looked the token up.
    Semaphore looked = new Semaphore(0);
    Storage storage =
        FaultyStorage.wrap(
            new MemoryStorage(),
            new AtomicBoolean(true),
            (method, arg) -> {
              if (method.equals("getConnector")) {
                looked.release();
              }
              return false;
            });
    ExecutorService requests = Executors.newFixedThreadPool(2);
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b ->
                b.storage(storage)
                    .refreshPolicy(
                        policy(
                            true, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(reuseSeconds)))
                    .connectorsFrom(s ->
                        id -> s.connectors().get(id).map(d -> new OpenedConnector(d, connector))),
            dexFixture(false))) {
      // Past the fixture's own reuse window, so the first refresh rotates.
      ferry.web().clock.advance(Duration.ofSeconds(31));
      Future<HttpResponse<String>> first = requests.submit(() -> ferry.token(refresh(BAR)));
      assertThat(connector.entered.await(10, TimeUnit.SECONDS)).isTrue();
      looked.drainPermits();
      Future<HttpResponse<String>> second = requests.submit(() -> ferry.token(refresh(BAR)));
      // The second request has looked the token up (as still unused) before the first finished.
      assertThat(looked.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
      connector.release.countDown();
      HttpResponse<String> winner = first.get(10, TimeUnit.SECONDS);
      HttpResponse<String> loser = second.get(10, TimeUnit.SECONDS);

      assertSuccess(winner);
      String rotated = json(winner).path("refresh_token").asText();
      assertThat(rotated).isNotEqualTo(BAR);
      assertThat(connector.calls).hasValue(1);
      if (loserGetsToken) {
        assertSuccess(loser);
        assertThat(json(loser).path("refresh_token").asText()).isEqualTo(rotated);
      } else {
        assertError(loser, 500, "invalid_request", "");
      }
      assertThat(RefreshTokenCodec.decode(rotated).orElseThrow().token())
          .isEqualTo(storage.refreshTokens().get("test").orElseThrow().token());
    } finally {
      requests.shutdownNow();
    }
  }
}
