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
   * How one entity is reached through its repository: {@code sample} builds a value from a key
   * string ("full": every field set), {@code modify} changes every non-key field it can, {@code
   * changeKey} returns a value with another key. Adding an entity to {@link Storage} adds one entry
   * to {@link #kinds}; every generic case below then runs for it on every backend.
   *
   * @param caseInsensitiveKey whether keys differing only in case are the same key (Dex lower-cases
   *     password emails); every other key compares exactly
   * @param expiring for an entity that garbage collection deletes, its description and a sample
   *     that expires at a given instant (see {@link #expiring(Entity, BiFunction)}); null for one
   *     that is never collected
   */
  protected record Kind<K, T>(
      String name,
      BiFunction<String, Boolean, T> sample,
      Function<Storage, Repository<K, T>> repository,
      Function<T, K> keyOf,
      UnaryOperator<T> modify,
      UnaryOperator<T> changeKey,
      boolean caseInsensitiveKey,
      @Nullable Expiring<K, T> expiring) {

    Kind(
        String name,
        BiFunction<String, Boolean, T> sample,
        Function<Storage, Repository<K, T>> repository,
        Function<T, K> keyOf,
        UnaryOperator<T> modify,
        UnaryOperator<T> changeKey,
        boolean caseInsensitiveKey) {
      this(name, sample, repository, keyOf, modify, changeKey, caseInsensitiveKey, null);
    }

    Kind(
        String name,
        BiFunction<String, Boolean, T> sample,
        Function<Storage, Repository<K, T>> repository,
        Function<T, K> keyOf,
        UnaryOperator<T> modify,
        UnaryOperator<T> changeKey) {
      this(name, sample, repository, keyOf, modify, changeKey, false);
    }

    /**
     * Marks the kind as garbage collected: {@code sample} builds a value with the given key whose
     * every expiry is the given instant. The generic garbage-collection cases then run for it.
     */
    Kind<K, T> expiring(Entity<K, T> entity, BiFunction<String, Instant, T> sample) {
      return new Kind<>(
          name,
          this.sample,
          repository,
          keyOf,
          modify,
          changeKey,
          caseInsensitiveKey,
          new Expiring<>(entity, sample));
    }

    BiConsumer<Storage, T> create() {
      return (s, v) -> repository.apply(s).create(v);
    }

    BiFunction<Storage, T, Optional<T>> get() {
      return (s, v) -> repository.apply(s).get(keyOf.apply(v));
    }

    Updater<T> update() {
      return (s, v, u) -> repository.apply(s).update(keyOf.apply(v), u);
    }

    BiConsumer<Storage, T> delete() {
      return (s, v) -> repository.apply(s).delete(keyOf.apply(v));
    }

    Function<Storage, List<T>> list() {
      return s -> repository.apply(s).list();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** How a garbage-collected kind expires; see {@link Kind#expiring(Entity, BiFunction)}. */
  protected record Expiring<K, T>(Entity<K, T> entity, BiFunction<String, Instant, T> sample) {}

  /** Calls the kind's update method with the key of {@code keyOf}. */
  @FunctionalInterface
  protected interface Updater<T> {
    void update(Storage storage, T keyOf, UnaryOperator<T> updater);
  }

  private static final Instant LATER = NOW.plus(Duration.ofHours(1));

  static Stream<Kind<?, ?>> kinds() {
    return Stream.of(
        new Kind<String, AuthRequest>(
                "authRequest",
                (k, full) -> StorageFixtures.authRequest(k, LATER, full),
                Storage::authRequests,
                AuthRequest::id,
                v -> withAuthRequestState(v, "changed-state"),
                v -> StorageFixtures.authRequest(v.id() + "-other", v.expiry(), false))
            .expiring(AuthRequest.ENTITY, (k, at) -> StorageFixtures.authRequest(k, at, true)),
        new Kind<String, AuthCode>(
                "authCode",
                (k, full) -> StorageFixtures.authCode(k, LATER, full),
                Storage::authCodes,
                AuthCode::id,
                v ->
                    new AuthCode(
                        v.id(),
                        "changed-client",
                        "https://changed.example.com/cb",
                        "changed-nonce",
                        List.of("openid", "changed"),
                        "changed-connector",
                        new byte[] {7},
                        StorageFixtures.claims(true),
                        v.expiry(),
                        new Pkce("changed-challenge", "S256"),
                        "changed-session",
                        v.authTime() == null ? NOW : null),
                v -> StorageFixtures.authCode(v.id() + "-other", v.expiry(), false))
            .expiring(AuthCode.ENTITY, (k, at) -> StorageFixtures.authCode(k, at, true)),
        new Kind<String, Client>(
            "client",
            StorageFixtures::client,
            Storage::clients,
            Client::id,
            v ->
                v.withRedirectUris(List.of("https://changed.example.com"))
                    .withPublic(!v.publicClient()),
            v -> StorageFixtures.client(v.id() + "-other", false)),
        new Kind<String, RefreshToken>(
            "refreshToken",
            StorageFixtures::refresh,
            Storage::refreshTokens,
            RefreshToken::id,
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
        new Kind<String, Password>(
            "password",
            (k, full) -> StorageFixtures.password(k + "@example.com", full),
            Storage::passwords,
            Password::email,
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
            v -> StorageFixtures.password("other-" + v.email(), false),
            true),
        new Kind<UserConnectorKey, OfflineSessions>(
            "offlineSessions",
            (k, full) -> StorageFixtures.offline(k, "conn-" + k, full),
            Storage::offlineSessions,
            v -> new UserConnectorKey(v.userId(), v.connId()),
            v ->
                new OfflineSessions(
                    v.userId(),
                    v.connId(),
                    java.util.Map.of(
                        "client-9",
                        new OfflineSessions.RefreshTokenRef("r9", "client-9", NOW, NOW)),
                    new byte[] {42}),
            v -> StorageFixtures.offline(v.userId(), v.connId() + "-other", false)),
        new Kind<String, Connector>(
            "connector",
            StorageFixtures::connector,
            Storage::connectors,
            Connector::id,
            v ->
                new Connector(
                    v.id(), v.type(), "Renamed", "rv-2", "{\"changed\":true}", List.of("password")),
            v -> StorageFixtures.connector(v.id() + "-other", false)),
        new Kind<String, DeviceRequest>(
                "deviceRequest",
                (k, full) -> StorageFixtures.deviceRequest(k, LATER, full),
                Storage::deviceRequests,
                DeviceRequest::userCode,
                v ->
                    new DeviceRequest(
                        v.userCode(),
                        "changed-device-code",
                        "changed-client",
                        "changed-secret",
                        List.of("changed"),
                        v.expiry().plusSeconds(3)),
                v -> StorageFixtures.deviceRequest(v.userCode() + "-OTHER", v.expiry(), false))
            .expiring(DeviceRequest.ENTITY, (k, at) -> StorageFixtures.deviceRequest(k, at, true)),
        new Kind<String, DeviceToken>(
                "deviceToken",
                (k, full) -> StorageFixtures.deviceToken(k, LATER, full),
                Storage::deviceTokens,
                DeviceToken::deviceCode,
                v ->
                    new DeviceToken(
                        v.deviceCode(),
                        "complete",
                        "{\"id_token\":\"t\"}",
                        v.expiry(),
                        NOW.plusSeconds(2),
                        v.pollIntervalSeconds() + 5,
                        v.pkce()),
                v -> StorageFixtures.deviceToken(v.deviceCode() + "-other", v.expiry(), false))
            .expiring(DeviceToken.ENTITY, (k, at) -> StorageFixtures.deviceToken(k, at, true)),
        new Kind<UserConnectorKey, UserIdentity>(
            "userIdentity",
            (k, full) -> StorageFixtures.userIdentity(k, "conn-" + k, full),
            Storage::userIdentities,
            v -> new UserConnectorKey(v.userId(), v.connectorId()),
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
        new Kind<String, AuthSession>(
                "authSession",
                (k, full) -> StorageFixtures.authSession(k, LATER, LATER, full),
                Storage::authSessions,
                AuthSession::id,
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
                v -> StorageFixtures.authSession(v.id() + "-other", LATER, LATER, false))
            .expiring(AuthSession.ENTITY, (k, at) -> StorageFixtures.authSession(k, at, at, true)),
        new Kind<String, UsedToken>(
                "usedToken",
                (k, full) -> new UsedToken(k, full ? "https://issuer.example.com" : "", LATER),
                s -> s.repository(UsedToken.ENTITY),
                UsedToken::key,
                v ->
                    new UsedToken(
                        v.key(), "https://changed.example.com", v.expiresAt().plusSeconds(3)),
                v -> new UsedToken(v.key() + "-other", v.issuer(), v.expiresAt()))
            .expiring(
                UsedToken.ENTITY, (k, at) -> new UsedToken(k, "https://issuer.example.com", at)));
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
  <K, T> void createThenGetRoundTripsEveryField(Kind<K, T> kind, boolean full) {
    T value = kind.sample().apply("k1", full);
    kind.create().accept(storage, value);
    Optional<T> got = kind.get().apply(storage, value);
    assertThat(got).isPresent();
    assertSameValue(got.get(), value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <K, T> void createTwiceIsAlreadyExists(Kind<K, T> kind) {
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
  <K, T> void getUnknownIsEmpty(Kind<K, T> kind) {
    kind.create().accept(storage, kind.sample().apply("present", true));
    assertThat(kind.get().apply(storage, kind.sample().apply("absent", true))).isEmpty();
  }

  @ParameterizedTest(name = "{0} full={1}")
  @MethodSource("kindsAndSamples")
  <K, T> void updateReplacesTheValue(Kind<K, T> kind, boolean full) {
    Updater<T> update = kind.update();
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
  <K, T> void updateUnknownIsNotFound(Kind<K, T> kind) {
    Updater<T> update = kind.update();
    T absent = kind.sample().apply("absent", true);
    assertThatThrownBy(() -> update.update(storage, absent, v -> v))
        .isInstanceOf(NotFoundException.class);
    assertThat(kind.get().apply(storage, absent)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <K, T> void updaterExceptionAbortsAndPropagatesUnchanged(Kind<K, T> kind) {
    Updater<T> update = kind.update();
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
  <K, T> void updaterMayNotChangeTheKey(Kind<K, T> kind) {
    Updater<T> update = kind.update();
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
  <K, T> void deleteRemovesAndUnknownIsNotFound(Kind<K, T> kind) {
    BiConsumer<Storage, T> delete = kind.delete();
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
  <K, T> void listReturnsEveryObject(Kind<K, T> kind) {
    Function<Storage, List<T>> list = kind.list();
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

  // ---------------------------------------------------------------- keys from untrusted input

  /**
   * Keys come from requests ({@code client_id}, {@code connector_id}, codes, tokens), so a key a
   * backend cannot hold is simply unknown: a NUL byte (PostgreSQL refuses it in text), unpaired
   * surrogates (no UTF-8 form; drivers would send {@code ?}) and a very long key. A lookup answers
   * empty and an update or delete {@link NotFoundException}, never another {@link
   * StorageException}, so that a hostile {@code client_id} is {@code invalid_client} everywhere.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <K, T> void keysNoBackendCanHoldAreUnknown(Kind<K, T> kind) {
    T stored = kind.sample().apply("k1", true);
    kind.create().accept(storage, stored);
    // On a backend that writes an unpaired surrogate as '?', "k?" would be found for "k\uD800".
    T question = kind.sample().apply("k?", false);
    kind.create().accept(storage, question);
    for (String bad :
        List.of(
            "k1\u0000",
            "\u0000",
            "k\uD800",
            "k\uDC00",
            "k\uDC00\uD800",
            "k1" + "x".repeat(70_000))) {
      T absent = kind.sample().apply(bad, true);
      assertThat(kind.get().apply(storage, absent)).as(printable(bad)).isEmpty();
      assertThatThrownBy(() -> kind.update().update(storage, absent, v -> v))
          .as(printable(bad))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> kind.delete().accept(storage, absent))
          .as(printable(bad))
          .isInstanceOf(NotFoundException.class);
    }
    assertSameValue(kind.get().apply(storage, stored).orElseThrow(), stored);
    assertSameValue(kind.get().apply(storage, question).orElseThrow(), question);
  }

  /**
   * Keys compare exactly, as on PostgreSQL and SQLite (and Dex there): MySQL's default collation
   * would otherwise find {@code my-app} for {@code MY-APP} and {@code my-app }. Password emails are
   * the one key Dex compares case-insensitively, by lower-casing it.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  <K, T> void keysCompareExactlyInCaseAndTrailingSpaces(Kind<K, T> kind) {
    T stored = kind.sample().apply("key-a", true);
    kind.create().accept(storage, stored);

    T trailing = kind.sample().apply("key-a ", true);
    assertThat(kind.get().apply(storage, trailing)).isEmpty();
    assertThatThrownBy(() -> kind.update().update(storage, trailing, kind.modify()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> kind.delete().accept(storage, trailing))
        .isInstanceOf(NotFoundException.class);

    T upper = kind.sample().apply("KEY-A", true);
    if (kind.caseInsensitiveKey()) {
      assertThat(kind.get().apply(storage, upper)).isPresent();
    } else {
      assertThat(kind.get().apply(storage, upper)).isEmpty();
      assertThatThrownBy(() -> kind.update().update(storage, upper, kind.modify()))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> kind.delete().accept(storage, upper))
          .isInstanceOf(NotFoundException.class);
    }

    // Nothing above touched the stored value.
    assertSameValue(kind.get().apply(storage, stored).orElseThrow(), stored);
    assertThat(kind.list().apply(storage)).hasSize(1);
  }

  private static String printable(String key) {
    String shown = key.length() > 40 ? key.substring(0, 40) + "...(" + key.length() + ")" : key;
    StringBuilder out = new StringBuilder();
    shown
        .chars()
        .forEach(c ->
            out.append(
                c < 0x20 || (c >= 0xD800 && c < 0xE000)
                    ? String.format("\\u%04X", c)
                    : String.valueOf((char) c)));
    return out.toString();
  }

  // ---------------------------------------------------------------- passwords

  @Test
  void passwordEmailIsCaseInsensitiveAndStoredLowerCase() {
    storage.passwords().create(StorageFixtures.password("Jane.Doe@Example.COM", true));

    Password got = storage.passwords().get("jane.doe@example.com").orElseThrow();
    assertThat(got.email()).isEqualTo("jane.doe@example.com");
    assertThat(storage.passwords().get("JANE.DOE@EXAMPLE.COM")).isPresent();
    assertThat(storage.passwords().list())
        .extracting(Password::email)
        .containsExactly("jane.doe@example.com");

    assertThatThrownBy(() ->
            storage.passwords().create(StorageFixtures.password("jane.doe@example.com", false)))
        .isInstanceOf(AlreadyExistsException.class);

    storage
        .passwords()
        .update(
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
    assertThat(storage.passwords().get("jane.doe@example.com").orElseThrow().username())
        .isEqualTo("renamed");

    // Case is folded, nothing else: a trailing space is another email.
    assertThat(storage.passwords().get("jane.doe@example.com ")).isEmpty();

    storage.passwords().delete("Jane.Doe@Example.Com");
    assertThat(storage.passwords().get("jane.doe@example.com")).isEmpty();
  }

  @Test
  void passwordUpdaterMayChangeOnlyTheCaseOfTheEmail() {
    storage.passwords().create(StorageFixtures.password("bob@example.com", true));
    storage
        .passwords()
        .update(
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
    Password got = storage.passwords().get("bob@example.com").orElseThrow();
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
    storage.authRequests().create(StorageFixtures.authRequest("ar-old", past, true));
    storage.authRequests().create(StorageFixtures.authRequest("ar-now", NOW, true));
    storage.authRequests().create(StorageFixtures.authRequest("ar-new", future, false));
    storage.authCodes().create(StorageFixtures.authCode("ac-old", past, true));
    storage.authCodes().create(StorageFixtures.authCode("ac-old2", past.minusSeconds(60), false));
    storage.authCodes().create(StorageFixtures.authCode("ac-new", future, true));
    storage.deviceRequests().create(StorageFixtures.deviceRequest("DR-OLD", past, true));
    storage.deviceRequests().create(StorageFixtures.deviceRequest("DR-NEW", future, true));
    storage.deviceTokens().create(StorageFixtures.deviceToken("dt-old", past, true));
    storage.deviceTokens().create(StorageFixtures.deviceToken("dt-new", NOW, true));
    storage.authSessions().create(StorageFixtures.authSession("as-abs", past, future, true));
    storage.authSessions().create(StorageFixtures.authSession("as-idle", future, past, true));
    storage.authSessions().create(StorageFixtures.authSession("as-live", future, NOW, true));

    // Never collected, however old (Dex: storage/sql/crud.go conn.GarbageCollect): these carry no
    // expiry the collector looks at.
    storage.refreshTokens().create(StorageFixtures.refresh("rt", true));
    storage.offlineSessions().create(StorageFixtures.offline("u", "c", true));
    storage.clients().create(StorageFixtures.client("cl", true));
    storage.passwords().create(StorageFixtures.password("p@example.com", true));
    storage.connectors().create(StorageFixtures.connector("co", true));
    storage.userIdentities().create(StorageFixtures.userIdentity("u", "c", true));
    storage.updateKeys(k -> StorageFixtures.keys(true));

    GarbageCollection result = storage.garbageCollect(NOW);

    assertThat(result).isEqualTo(new GarbageCollection(1, 2, 1, 1, 2));
    assertThat(storage.authRequests().get("ar-old")).isEmpty();
    assertThat(storage.authRequests().get("ar-now")).isPresent();
    assertThat(storage.authRequests().get("ar-new")).isPresent();
    assertThat(storage.authCodes().get("ac-old")).isEmpty();
    assertThat(storage.authCodes().get("ac-old2")).isEmpty();
    assertThat(storage.authCodes().get("ac-new")).isPresent();
    assertThat(storage.deviceRequests().get("DR-OLD")).isEmpty();
    assertThat(storage.deviceRequests().get("DR-NEW")).isPresent();
    assertThat(storage.deviceTokens().get("dt-old")).isEmpty();
    assertThat(storage.deviceTokens().get("dt-new")).isPresent();
    assertThat(storage.authSessions().get("as-abs")).isEmpty();
    assertThat(storage.authSessions().get("as-idle")).isEmpty();
    assertThat(storage.authSessions().get("as-live")).isPresent();
    assertThat(storage.refreshTokens().get("rt")).isPresent();
    assertThat(storage.offlineSessions().get(new UserConnectorKey("u", "c"))).isPresent();
    assertThat(storage.clients().get("cl")).isPresent();
    assertThat(storage.passwords().get("p@example.com")).isPresent();
    assertThat(storage.connectors().get("co")).isPresent();
    assertThat(storage.userIdentities().get(new UserConnectorKey("u", "c"))).isPresent();
    assertThat(storage.getKeys()).isPresent();

    // A second pass at the same instant finds nothing more to delete.
    assertThat(storage.garbageCollect(NOW).isEmpty()).isTrue();
  }

  static Stream<Kind<?, ?>> expiringKinds() {
    return kinds().filter(k -> k.expiring() != null);
  }

  static Stream<Kind<?, ?>> lastingKinds() {
    return kinds().filter(k -> k.expiring() == null);
  }

  /**
   * Garbage collection is generic: every kind marked expiring is collected from its {@link
   * Entity#expiresAt} description alone, strictly before now, and counted under its entity.
   */
  @ParameterizedTest
  @MethodSource("expiringKinds")
  <K, T> void anExpiringKindIsCollectedGenerically(Kind<K, T> kind) {
    Expiring<K, T> expiring = java.util.Objects.requireNonNull(kind.expiring());
    assertThat(expiring.entity().expires()).isTrue();
    T old = expiring.sample().apply("old", NOW.minusMillis(1));
    T atNow = expiring.sample().apply("now", NOW);
    T later = expiring.sample().apply("later", NOW.plusMillis(1));
    kind.create().accept(storage, old);
    kind.create().accept(storage, atNow);
    kind.create().accept(storage, later);

    GarbageCollection result = storage.garbageCollect(NOW);

    assertThat(result.deleted()).isEqualTo(java.util.Map.of(expiring.entity().kind(), 1L));
    assertThat(result.deleted(expiring.entity())).isEqualTo(1);
    assertThat(kind.get().apply(storage, old)).isEmpty();
    assertThat(kind.get().apply(storage, atNow)).isPresent();
    assertThat(kind.get().apply(storage, later)).isPresent();
    assertThat(storage.garbageCollect(NOW).isEmpty()).isTrue();
  }

  /** A kind not marked expiring is never collected, however late the collection runs. */
  @ParameterizedTest
  @MethodSource("lastingKinds")
  <K, T> void aKindWithoutExpiryIsNeverCollected(Kind<K, T> kind) {
    T value = kind.sample().apply("kept", true);
    kind.create().accept(storage, value);

    assertThat(storage.garbageCollect(NOW.plus(Duration.ofDays(36500))).isEmpty()).isTrue();
    assertThat(kind.get().apply(storage, value)).isPresent();
  }

  @Test
  void garbageCollectionOfEmptyStorageIsEmpty() {
    assertThat(storage.garbageCollect(NOW)).isEqualTo(new GarbageCollection(0, 0, 0, 0, 0));
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void concurrentClientCasLosesNoUpdate() throws Exception {
    storage.clients().create(StorageFixtures.counterClient("counter", 0));
    runConcurrently(() ->
        storage
            .clients()
            .update(
                "counter",
                c -> StorageFixtures.counterClient(c.id(), Integer.parseInt(c.name()) + 1)));
    assertThat(storage.clients().get("counter").orElseThrow().name())
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

  // ---------------------------------------------------------------- single use (issue 8)

  /** How many threads race to record the same first use. */
  protected static final int FIRST_USE_RACERS = 16;

  /**
   * {@code trust.singleUse} relies on create being atomic: of many concurrent creates of one key,
   * exactly one stores it and every other one is {@link AlreadyExistsException} (never another
   * failure, which the exchange would answer with a server error). Three rounds, each a new key
   * raced by {@link #FIRST_USE_RACERS} threads released together.
   */
  @Test
  void concurrentFirstUseHasExactlyOneWinner() throws Exception {
    Repository<String, UsedToken> used = storage.repository(UsedToken.ENTITY);
    for (int round = 0; round < 3; round++) {
      UsedToken token = UsedToken.of("https://issuer.example.com", "jti-" + round, LATER);
      ExecutorService pool = Executors.newFixedThreadPool(FIRST_USE_RACERS);
      CountDownLatch ready = new CountDownLatch(FIRST_USE_RACERS);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<Boolean>> racers = new ArrayList<>();
        for (int t = 0; t < FIRST_USE_RACERS; t++) {
          racers.add(
              pool.submit(() -> {
                ready.countDown();
                start.await();
                try {
                  used.create(token);
                  return true;
                } catch (AlreadyExistsException e) {
                  return false;
                }
              }));
        }
        assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : racers) {
          // A failure other than AlreadyExists surfaces here as an ExecutionException.
          if (f.get(120, TimeUnit.SECONDS)) {
            winners++;
          }
        }
        assertThat(winners).as("round %d", round).isEqualTo(1);
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      assertSameValue(used.get(token.key()).orElseThrow(), token);
    }
    assertThat(used.list()).hasSize(3);
  }

  /**
   * A used token stays used until garbage collection deletes its record, also past {@code
   * expiresAt} (the exchange has refused the expired token before it asks); after collection the
   * key is free again.
   */
  @Test
  void aUsedTokenStaysUsedUntilCollected() {
    Repository<String, UsedToken> used = storage.repository(UsedToken.ENTITY);
    UsedToken token = UsedToken.of("https://issuer.example.com", "jti", NOW);
    used.create(token);
    assertThatThrownBy(() -> used.create(UsedToken.of("https://issuer.example.com", "jti", LATER)))
        .isInstanceOf(AlreadyExistsException.class);
    // Another issuer's token with the same jti is another token.
    used.create(UsedToken.of("https://other.example.com", "jti", NOW));

    assertThat(storage.garbageCollect(NOW).deleted(UsedToken.ENTITY)).isZero();
    assertThatThrownBy(() -> used.create(token)).isInstanceOf(AlreadyExistsException.class);

    assertThat(storage.garbageCollect(NOW.plusMillis(1)).deleted(UsedToken.ENTITY)).isEqualTo(2);
    assertThat(used.get(token.key())).isEmpty();
    used.create(token);
  }

  /**
   * Issuers and {@code jti} values are attacker-influenced: the key is fixed-length whatever they
   * are, and the issuer kept for display is one every backend can store.
   */
  @Test
  void usedTokensWithHostileIssuersAndJtisAreStoredExactly() {
    Repository<String, UsedToken> used = storage.repository(UsedToken.ENTITY);
    List<UsedToken> tokens =
        List.of(
            UsedToken.of("https://issuer.example.com", "j".repeat(100_000), LATER),
            UsedToken.of("https://issuer.example.com", "k\uD800", LATER),
            UsedToken.of("https://issuer.example.com", "k?", LATER),
            UsedToken.of("https://issuer.example.com", "\u0000", LATER),
            UsedToken.of("https://\u0000\uDC00.example.com", "j", LATER),
            UsedToken.of("https://" + "i".repeat(1000) + ".example.com", "j", LATER),
            UsedToken.of("https://issuer.example.com", "", LATER));
    for (UsedToken t : tokens) {
      used.create(t);
    }
    for (UsedToken t : tokens) {
      assertSameValue(used.get(t.key()).orElseThrow(), t);
    }
    assertThat(used.list()).hasSize(tokens.size());
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
