package dev.ferry.storage;

import static dev.ferry.storage.StorageFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The definition of {@link Storage}'s semantics: every backend extends this class and passes it
 * unchanged (architecture rule 7). Instants are millisecond-truncated and compared for equality.
 *
 * <p>The generic cases run once per entity kind and per sample ("full": every field set, "minimal":
 * every field empty or null); the specific cases cover passwords, keys, garbage collection and
 * concurrent compare-and-swap.
 */
public abstract class StorageConformanceTest {

  /** A fresh, empty storage. Each test gets its own and closes it. */
  protected abstract Storage newStorage();

  /** How many CAS increments each of {@link #THREADS} threads makes in the concurrency tests. */
  protected int incrementsPerThread() {
    return 25;
  }

  protected static final int THREADS = 8;

  protected Storage storage;

  @BeforeEach
  void openStorage() {
    storage = newStorage();
  }

  @AfterEach
  void closeStorage() {
    // Null when newStorage() skipped the test (its database is not configured).
    if (storage != null) {
      storage.close();
    }
  }

  // ---------------------------------------------------------------- generic cases per entity kind

  /**
   * How one entity kind is reached through the interface. {@code update}, {@code delete} and {@code
   * list} are null when the interface has no such operation for the kind.
   */
  protected record Kind<T>(
      String name,
      BiFunction<String, Boolean, T> sample,
      BiConsumer<Storage, T> create,
      BiFunction<Storage, T, Optional<T>> get,
      @Nullable Updater<T> update,
      @Nullable BiConsumer<Storage, T> delete,
      @Nullable Function<Storage, List<T>> list,
      UnaryOperator<T> modify,
      UnaryOperator<T> changeKey) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Calls the kind's update method with the key of {@code keyOf}. */
  @FunctionalInterface
  protected interface Updater<T> {
    void update(Storage storage, T keyOf, UnaryOperator<T> updater);
  }

  private static final Instant LATER = NOW.plus(Duration.ofHours(1));

  static Stream<Kind<?>> kinds() {
    return Stream.of(
        new Kind<AuthRequest>(
            "authRequest",
            (k, full) -> StorageFixtures.authRequest(k, LATER, full),
            Storage::createAuthRequest,
            (s, v) -> s.getAuthRequest(v.id()),
            (s, v, u) -> s.updateAuthRequest(v.id(), u),
            (s, v) -> s.deleteAuthRequest(v.id()),
            null,
            v -> withAuthRequestState(v, "changed-state"),
            v -> StorageFixtures.authRequest(v.id() + "-other", v.expiry(), false)),
        new Kind<AuthCode>(
            "authCode",
            (k, full) -> StorageFixtures.authCode(k, LATER, full),
            Storage::createAuthCode,
            (s, v) -> s.getAuthCode(v.id()),
            null,
            (s, v) -> s.deleteAuthCode(v.id()),
            null,
            v -> v,
            v -> v),
        new Kind<Client>(
            "client",
            StorageFixtures::client,
            Storage::createClient,
            (s, v) -> s.getClient(v.id()),
            (s, v, u) -> s.updateClient(v.id(), u),
            (s, v) -> s.deleteClient(v.id()),
            Storage::listClients,
            v ->
                v.withRedirectUris(List.of("https://changed.example.com"))
                    .withPublic(!v.publicClient()),
            v -> StorageFixtures.client(v.id() + "-other", false)),
        new Kind<RefreshToken>(
            "refreshToken",
            StorageFixtures::refresh,
            Storage::createRefresh,
            (s, v) -> s.getRefresh(v.id()),
            (s, v, u) -> s.updateRefreshToken(v.id(), u),
            (s, v) -> s.deleteRefresh(v.id()),
            Storage::listRefreshTokens,
            v ->
                new RefreshToken(
                    v.id(),
                    "rotated",
                    v.token(),
                    v.createdAt(),
                    NOW.plusSeconds(1),
                    v.clientId(),
                    v.connectorId(),
                    v.connectorData(),
                    v.claims(),
                    v.scopes(),
                    v.nonce()),
            v -> StorageFixtures.refresh(v.id() + "-other", false)),
        new Kind<Password>(
            "password",
            (k, full) -> StorageFixtures.password(k + "@example.com", full),
            Storage::createPassword,
            (s, v) -> s.getPassword(v.email()),
            (s, v, u) -> s.updatePassword(v.email(), u),
            (s, v) -> s.deletePassword(v.email()),
            Storage::listPasswords,
            v ->
                new Password(
                    v.email(),
                    new byte[] {'n', 'e', 'w'},
                    "renamed",
                    v.userId(),
                    v.name(),
                    v.preferredUsername(),
                    Boolean.TRUE,
                    List.of("new-group")),
            v -> StorageFixtures.password("other-" + v.email(), false)),
        new Kind<OfflineSessions>(
            "offlineSessions",
            (k, full) -> StorageFixtures.offline(k, "conn-" + k, full),
            Storage::createOfflineSessions,
            (s, v) -> s.getOfflineSessions(v.userId(), v.connId()),
            (s, v, u) -> s.updateOfflineSessions(v.userId(), v.connId(), u),
            (s, v) -> s.deleteOfflineSessions(v.userId(), v.connId()),
            null,
            v ->
                new OfflineSessions(
                    v.userId(),
                    v.connId(),
                    java.util.Map.of(
                        "client-9",
                        new OfflineSessions.RefreshTokenRef("r9", "client-9", NOW, NOW)),
                    new byte[] {42}),
            v -> StorageFixtures.offline(v.userId(), v.connId() + "-other", false)),
        new Kind<Connector>(
            "connector",
            StorageFixtures::connector,
            Storage::createConnector,
            (s, v) -> s.getConnector(v.id()),
            (s, v, u) -> s.updateConnector(v.id(), u),
            (s, v) -> s.deleteConnector(v.id()),
            Storage::listConnectors,
            v ->
                new Connector(
                    v.id(), v.type(), "Renamed", "rv-2", "{\"changed\":true}", List.of("password")),
            v -> StorageFixtures.connector(v.id() + "-other", false)),
        new Kind<DeviceRequest>(
            "deviceRequest",
            (k, full) -> StorageFixtures.deviceRequest(k, LATER, full),
            Storage::createDeviceRequest,
            (s, v) -> s.getDeviceRequest(v.userCode()),
            null,
            null,
            null,
            v -> v,
            v -> v),
        new Kind<DeviceToken>(
            "deviceToken",
            (k, full) -> StorageFixtures.deviceToken(k, LATER, full),
            Storage::createDeviceToken,
            (s, v) -> s.getDeviceToken(v.deviceCode()),
            (s, v, u) -> s.updateDeviceToken(v.deviceCode(), u),
            null,
            null,
            v ->
                new DeviceToken(
                    v.deviceCode(),
                    "complete",
                    "{\"id_token\":\"t\"}",
                    v.expiry(),
                    NOW.plusSeconds(2),
                    v.pollIntervalSeconds() + 5,
                    v.pkce()),
            v -> StorageFixtures.deviceToken(v.deviceCode() + "-other", v.expiry(), false)),
        new Kind<UserIdentity>(
            "userIdentity",
            (k, full) -> StorageFixtures.userIdentity(k, "conn-" + k, full),
            Storage::createUserIdentity,
            (s, v) -> s.getUserIdentity(v.userId(), v.connectorId()),
            (s, v, u) -> s.updateUserIdentity(v.userId(), v.connectorId(), u),
            (s, v) -> s.deleteUserIdentity(v.userId(), v.connectorId()),
            Storage::listUserIdentities,
            v ->
                new UserIdentity(
                    v.userId(),
                    v.connectorId(),
                    v.claims(),
                    java.util.Map.of("client-3", List.of("profile")),
                    new byte[] {5},
                    v.webauthnCredentials(),
                    v.createdAt(),
                    NOW.plusSeconds(7),
                    v.blockedUntil() == null ? NOW.plusSeconds(8) : null),
            v -> StorageFixtures.userIdentity(v.userId() + "-other", v.connectorId(), false)),
        new Kind<AuthSession>(
            "authSession",
            (k, full) -> StorageFixtures.authSession(k, LATER, LATER, full),
            Storage::createAuthSession,
            (s, v) -> s.getAuthSession(v.id()),
            (s, v, u) -> s.updateAuthSession(v.id(), u),
            (s, v) -> s.deleteAuthSession(v.id()),
            Storage::listAuthSessions,
            v ->
                new AuthSession(
                    v.id(),
                    v.secret(),
                    v.userId(),
                    v.connectorId(),
                    java.util.Map.of(
                        "client-5",
                        new AuthSession.ClientAuthState(NOW, NOW, NOW.plusSeconds(1), false)),
                    v.createdAt(),
                    NOW.plusSeconds(9),
                    v.ipAddress(),
                    v.userAgent(),
                    v.absoluteExpiry(),
                    LATER.plusSeconds(60),
                    new byte[] {1}),
            v -> StorageFixtures.authSession(v.id() + "-other", LATER, LATER, false)));
  }

  static Stream<Arguments> kindsAndSamples() {
    return kinds().flatMap(k -> Stream.of(Arguments.of(k, true), Arguments.of(k, false)));
  }

  private static AuthRequest withAuthRequestState(AuthRequest v, String state) {
    return new AuthRequest(
        v.id(),
        v.clientId(),
        v.responseTypes(),
        v.scopes(),
        v.redirectUri(),
        v.nonce(),
        state,
        v.forceApprovalPrompt(),
        v.expiry(),
        !v.loggedIn(),
        StorageFixtures.claims(true),
        v.connectorId(),
        v.connectorData(),
        v.pkce(),
        v.hmacKey(),
        v.prompt(),
        v.maxAge(),
        v.authTime() == null ? NOW : null,
        !v.mfaValidated(),
        v.webauthnSessionData());
  }

  /** Field-by-field equality that compares byte arrays by content. */
  protected static void assertSameValue(@Nullable Object actual, Object expected) {
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} full={1}")
  @MethodSource("kindsAndSamples")
  <T> void createThenGetRoundTripsEveryField(Kind<T> kind, boolean full) {
    T value = kind.sample().apply("k1", full);
    kind.create().accept(storage, value);
    Optional<T> got = kind.get().apply(storage, value);
    assertThat(got).isPresent();
    assertSameValue(got.get(), value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T> void createTwiceIsAlreadyExists(Kind<T> kind) {
    T value = kind.sample().apply("dup", true);
    kind.create().accept(storage, value);
    T other = kind.sample().apply("dup", false);
    assertThatThrownBy(() -> kind.create().accept(storage, other))
        .isInstanceOf(AlreadyExistsException.class);
    // The first value is untouched by the failed create.
    assertSameValue(kind.get().apply(storage, value).orElseThrow(), value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T> void getUnknownIsEmpty(Kind<T> kind) {
    kind.create().accept(storage, kind.sample().apply("present", true));
    assertThat(kind.get().apply(storage, kind.sample().apply("absent", true))).isEmpty();
  }

  @ParameterizedTest(name = "{0} full={1}")
  @MethodSource("kindsAndSamples")
  <T> void updateReplacesTheValue(Kind<T> kind, boolean full) {
    Updater<T> update = kind.update();
    if (update == null) {
      return; // the interface has no update for this kind
    }
    T value = kind.sample().apply("u1", full);
    kind.create().accept(storage, value);
    T changed = kind.modify().apply(value);
    List<T> seen = new ArrayList<>();
    update.update(
        storage,
        value,
        current -> {
          seen.add(current);
          return kind.modify().apply(current);
        });
    assertThat(seen).isNotEmpty();
    assertSameValue(seen.get(0), value);
    assertSameValue(kind.get().apply(storage, value).orElseThrow(), changed);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T> void updateUnknownIsNotFound(Kind<T> kind) {
    Updater<T> update = kind.update();
    if (update == null) {
      return;
    }
    T absent = kind.sample().apply("absent", true);
    assertThatThrownBy(() -> update.update(storage, absent, v -> v))
        .isInstanceOf(NotFoundException.class);
    assertThat(kind.get().apply(storage, absent)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T> void updaterExceptionAbortsAndPropagatesUnchanged(Kind<T> kind) {
    Updater<T> update = kind.update();
    if (update == null) {
      return;
    }
    T value = kind.sample().apply("boom", true);
    kind.create().accept(storage, value);
    IllegalStateException boom = new IllegalStateException("updater refused");
    assertThatThrownBy(() ->
            update.update(
                storage,
                value,
                current -> {
                  throw boom;
                }))
        .isSameAs(boom);
    assertSameValue(kind.get().apply(storage, value).orElseThrow(), value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T> void updaterMayNotChangeTheKey(Kind<T> kind) {
    Updater<T> update = kind.update();
    if (update == null) {
      return;
    }
    T value = kind.sample().apply("key", true);
    kind.create().accept(storage, value);
    T renamed = kind.changeKey().apply(value);
    assertThatThrownBy(() -> update.update(storage, value, current -> renamed))
        .isInstanceOf(StorageException.class)
        .isNotInstanceOf(NotFoundException.class);
    assertSameValue(kind.get().apply(storage, value).orElseThrow(), value);
    assertThat(kind.get().apply(storage, renamed)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T> void deleteRemovesAndUnknownIsNotFound(Kind<T> kind) {
    BiConsumer<Storage, T> delete = kind.delete();
    if (delete == null) {
      return;
    }
    T gone = kind.sample().apply("gone", true);
    T kept = kind.sample().apply("kept", false);
    kind.create().accept(storage, gone);
    kind.create().accept(storage, kept);
    delete.accept(storage, gone);
    assertThat(kind.get().apply(storage, gone)).isEmpty();
    assertSameValue(kind.get().apply(storage, kept).orElseThrow(), kept);
    assertThatThrownBy(() -> delete.accept(storage, gone)).isInstanceOf(NotFoundException.class);
    // A deleted key can be created again.
    kind.create().accept(storage, gone);
    assertSameValue(kind.get().apply(storage, gone).orElseThrow(), gone);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <T> void listReturnsEveryObject(Kind<T> kind) {
    Function<Storage, List<T>> list = kind.list();
    if (list == null) {
      return;
    }
    assertThat(list.apply(storage)).isEmpty();
    List<T> created = new ArrayList<>();
    for (String key : List.of("a1", "b2", "c3")) {
      T value = kind.sample().apply(key, key.equals("b2"));
      kind.create().accept(storage, value);
      created.add(value);
    }
    assertThat(list.apply(storage))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyInAnyOrderElementsOf(created);
  }

  // ---------------------------------------------------------------- passwords

  @Test
  void passwordEmailIsCaseInsensitiveAndStoredLowerCase() {
    storage.createPassword(StorageFixtures.password("Jane.Doe@Example.COM", true));

    Password got = storage.getPassword("jane.doe@example.com").orElseThrow();
    assertThat(got.email()).isEqualTo("jane.doe@example.com");
    assertThat(storage.getPassword("JANE.DOE@EXAMPLE.COM")).isPresent();
    assertThat(storage.listPasswords())
        .extracting(Password::email)
        .containsExactly("jane.doe@example.com");

    assertThatThrownBy(
            () -> storage.createPassword(StorageFixtures.password("jane.doe@example.com", false)))
        .isInstanceOf(AlreadyExistsException.class);

    storage.updatePassword(
        "JANE.DOE@example.com",
        p ->
            new Password(
                p.email(),
                p.hash(),
                "renamed",
                p.userId(),
                p.name(),
                p.preferredUsername(),
                p.emailVerified(),
                p.groups()));
    assertThat(storage.getPassword("jane.doe@example.com").orElseThrow().username())
        .isEqualTo("renamed");

    storage.deletePassword("Jane.Doe@Example.Com");
    assertThat(storage.getPassword("jane.doe@example.com")).isEmpty();
  }

  @Test
  void passwordUpdaterMayChangeOnlyTheCaseOfTheEmail() {
    storage.createPassword(StorageFixtures.password("bob@example.com", true));
    storage.updatePassword(
        "bob@example.com",
        p ->
            new Password(
                "BOB@EXAMPLE.COM",
                p.hash(),
                "bobby",
                p.userId(),
                p.name(),
                p.preferredUsername(),
                p.emailVerified(),
                p.groups()));
    Password got = storage.getPassword("bob@example.com").orElseThrow();
    assertThat(got.email()).isEqualTo("bob@example.com");
    assertThat(got.username()).isEqualTo("bobby");
  }

  // ---------------------------------------------------------------- keys singleton

  @Test
  void keysStartEmptyAndFirstUpdateReceivesEmpty() {
    assertThat(storage.getKeys()).isEmpty();
    List<Optional<Keys>> seen = new ArrayList<>();
    storage.updateKeys(current -> {
      seen.add(current);
      return StorageFixtures.keys(true);
    });
    assertThat(seen).isNotEmpty().allSatisfy(current -> assertThat(current).isEmpty());
    assertSameValue(storage.getKeys().orElseThrow(), StorageFixtures.keys(true));
  }

  @Test
  void keysUpdateReceivesStoredKeysAndRoundTripsNulls() {
    storage.updateKeys(current -> StorageFixtures.keys(true));
    List<Keys> seen = new ArrayList<>();
    storage.updateKeys(current -> {
      seen.add(current.orElseThrow());
      return StorageFixtures.keys(false);
    });
    assertSameValue(seen.get(0), StorageFixtures.keys(true));
    Keys stored = storage.getKeys().orElseThrow();
    assertSameValue(stored, StorageFixtures.keys(false));
    assertThat(stored.signingKey()).isNull();
    assertThat(stored.signingKeyPub()).isNull();
  }

  @Test
  void keysUpdaterExceptionAbortsBothOnFirstAndLaterUpdates() {
    IllegalStateException boom = new IllegalStateException("keys already rotated");
    assertThatThrownBy(() ->
            storage.updateKeys(current -> {
              throw boom;
            }))
        .isSameAs(boom);
    assertThat(storage.getKeys()).isEmpty();

    storage.updateKeys(current -> StorageFixtures.keys(true));
    assertThatThrownBy(() ->
            storage.updateKeys(current -> {
              throw boom;
            }))
        .isSameAs(boom);
    assertSameValue(storage.getKeys().orElseThrow(), StorageFixtures.keys(true));
  }

  // ---------------------------------------------------------------- garbage collection

  @Test
  void garbageCollectionDeletesOnlyExpiredShortLivedObjects() {
    Instant past = NOW.minusMillis(1);
    Instant future = NOW.plusMillis(1);
    storage.createAuthRequest(StorageFixtures.authRequest("ar-old", past, true));
    storage.createAuthRequest(StorageFixtures.authRequest("ar-now", NOW, true));
    storage.createAuthRequest(StorageFixtures.authRequest("ar-new", future, false));
    storage.createAuthCode(StorageFixtures.authCode("ac-old", past, true));
    storage.createAuthCode(StorageFixtures.authCode("ac-old2", past.minusSeconds(60), false));
    storage.createAuthCode(StorageFixtures.authCode("ac-new", future, true));
    storage.createDeviceRequest(StorageFixtures.deviceRequest("DR-OLD", past, true));
    storage.createDeviceRequest(StorageFixtures.deviceRequest("DR-NEW", future, true));
    storage.createDeviceToken(StorageFixtures.deviceToken("dt-old", past, true));
    storage.createDeviceToken(StorageFixtures.deviceToken("dt-new", NOW, true));
    storage.createAuthSession(StorageFixtures.authSession("as-abs", past, future, true));
    storage.createAuthSession(StorageFixtures.authSession("as-idle", future, past, true));
    storage.createAuthSession(StorageFixtures.authSession("as-live", future, NOW, true));

    // Never collected, however old (Dex §6.3): these carry no expiry the collector looks at.
    storage.createRefresh(StorageFixtures.refresh("rt", true));
    storage.createOfflineSessions(StorageFixtures.offline("u", "c", true));
    storage.createClient(StorageFixtures.client("cl", true));
    storage.createPassword(StorageFixtures.password("p@example.com", true));
    storage.createConnector(StorageFixtures.connector("co", true));
    storage.createUserIdentity(StorageFixtures.userIdentity("u", "c", true));
    storage.updateKeys(k -> StorageFixtures.keys(true));

    GarbageCollection result = storage.garbageCollect(NOW);

    assertThat(result).isEqualTo(new GarbageCollection(1, 2, 1, 1, 2));
    assertThat(storage.getAuthRequest("ar-old")).isEmpty();
    assertThat(storage.getAuthRequest("ar-now")).isPresent();
    assertThat(storage.getAuthRequest("ar-new")).isPresent();
    assertThat(storage.getAuthCode("ac-old")).isEmpty();
    assertThat(storage.getAuthCode("ac-old2")).isEmpty();
    assertThat(storage.getAuthCode("ac-new")).isPresent();
    assertThat(storage.getDeviceRequest("DR-OLD")).isEmpty();
    assertThat(storage.getDeviceRequest("DR-NEW")).isPresent();
    assertThat(storage.getDeviceToken("dt-old")).isEmpty();
    assertThat(storage.getDeviceToken("dt-new")).isPresent();
    assertThat(storage.getAuthSession("as-abs")).isEmpty();
    assertThat(storage.getAuthSession("as-idle")).isEmpty();
    assertThat(storage.getAuthSession("as-live")).isPresent();
    assertThat(storage.getRefresh("rt")).isPresent();
    assertThat(storage.getOfflineSessions("u", "c")).isPresent();
    assertThat(storage.getClient("cl")).isPresent();
    assertThat(storage.getPassword("p@example.com")).isPresent();
    assertThat(storage.getConnector("co")).isPresent();
    assertThat(storage.getUserIdentity("u", "c")).isPresent();
    assertThat(storage.getKeys()).isPresent();

    // A second pass at the same instant finds nothing more to delete.
    assertThat(storage.garbageCollect(NOW).isEmpty()).isTrue();
  }

  @Test
  void garbageCollectionOfEmptyStorageIsEmpty() {
    assertThat(storage.garbageCollect(NOW)).isEqualTo(new GarbageCollection(0, 0, 0, 0, 0));
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentClientCasLosesNoUpdate() throws Exception {
    storage.createClient(StorageFixtures.counterClient("counter", 0));
    runConcurrently(() ->
        storage.updateClient(
            "counter", c -> StorageFixtures.counterClient(c.id(), Integer.parseInt(c.name()) + 1)));
    assertThat(storage.getClient("counter").orElseThrow().name())
        .isEqualTo(Integer.toString(THREADS * incrementsPerThread()));
  }

  @Test
  void concurrentKeysCasLosesNoUpdateStartingFromEmpty() throws Exception {
    runConcurrently(() ->
        storage.updateKeys(current -> {
          Instant next = current.map(k -> k.nextRotation().plusSeconds(1)).orElse(NOW);
          return new Keys(null, null, List.of(), next);
        }));
    // The first update stored NOW; every later one added a second.
    assertThat(storage.getKeys().orElseThrow().nextRotation())
        .isEqualTo(NOW.plusSeconds((long) THREADS * incrementsPerThread() - 1));
  }

  /** Runs {@code action} {@link #incrementsPerThread()} times on each of {@link #THREADS}. */
  protected void runConcurrently(Runnable action) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Callable<Void> worker =
            () -> {
              start.await();
              for (int i = 0; i < incrementsPerThread(); i++) {
                action.run();
                done.incrementAndGet();
              }
              return null;
            };
        futures.add(pool.submit(worker));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(done.get()).isEqualTo(THREADS * incrementsPerThread());
  }
}
