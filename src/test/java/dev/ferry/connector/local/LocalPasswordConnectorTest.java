package dev.ferry.connector.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.PasswordCheckBusyException;
import dev.ferry.storage.Password;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.memory.MemoryStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local password database as Dex's passwordDB behaves (Dex: server/connectors/password.go,
 * server/passwords CheckCost), over real storage, with real bcrypt.
 */
class LocalPasswordConnectorTest {

  /** Dex's example config's hash of "password" (cost 10), made by Go's bcrypt. */
  static final String GO_HASH_OF_PASSWORD =
      "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W";

  private static final ConnectorScopes SCOPES = new ConnectorScopes(false, false);

  private final MemoryStorage storage = new MemoryStorage();
  private final LocalPasswordConnector connector =
      new LocalPasswordConnector(
          "local",
          storage.passwords()::get,
          new PasswordCheckLimiter(PasswordCheckLimiter.Limits.defaults()));

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void aGoHashLogsInWithTheEmailInAnyCaseAndDexsIdentityFields() throws Exception {
    storage.passwords().create(entry("Jane@Example.com", GO_HASH_OF_PASSWORD, "", null));

    Identity identity = connector.login(SCOPES, "JANE@example.COM", "password").orElseThrow();

    assertThat(identity.userId()).isEqualTo("u-jane");
    // Name empty: the username stands in (Dex: resolvePasswordName).
    assertThat(identity.username()).isEqualTo("jane");
    assertThat(identity.preferredUsername()).isEqualTo("janie");
    assertThat(identity.email()).isEqualTo("jane@example.com");
    // emailVerified unset means verified (Dex: resolvePasswordEmailVerified).
    assertThat(identity.emailVerified()).isTrue();
    assertThat(identity.groups()).containsExactly("admins", "devs");
    assertThat(identity.connectorData()).isEmpty();
    assertThat(connector.prompt()).isEqualTo("Email Address");
  }

  @Test
  void theNameWinsOverTheUsernameAndAnExplicitlyUnverifiedEmailStaysUnverified() throws Exception {
    storage.passwords().create(entry("jane@example.com", GO_HASH_OF_PASSWORD, "Jane Doe", false));

    Identity identity = connector.login(SCOPES, "jane@example.com", "password").orElseThrow();

    assertThat(identity.username()).isEqualTo("Jane Doe");
    assertThat(identity.emailVerified()).isFalse();
  }

  @Test
  void aWrongPasswordOrAnUnknownEmailIsAFailedLoginNotAnError() throws Exception {
    storage.passwords().create(entry("jane@example.com", GO_HASH_OF_PASSWORD, "", null));

    assertThat(connector.login(SCOPES, "jane@example.com", "Password")).isEmpty();
    assertThat(connector.login(SCOPES, "jane@example.com", "")).isEmpty();
    assertThat(connector.login(SCOPES, "nobody@example.com", "password")).isEmpty();
    assertThat(connector.login(SCOPES, "", "")).isEmpty();
  }

  @Test
  void hashesCheaperThanCost10OrDearerThanCost16AreRefusedWithDexsErrors() {
    // Dex's own test hashes of "test1" at cost 4 and 17.
    storage
        .passwords()
        .create(
            entry(
                "cheap@example.com",
                "$2a$04$8bSTbuVCLpKzaqB3BmgI7edDigG5tIQKkjYUu/mEO9gQgIkw9m7eG",
                "",
                null));
    storage
        .passwords()
        .create(
            entry(
                "dear@example.com",
                "$2a$17$tWuZkTxtSmRyWZAGWVHQE.7npdl.TgP8adjzLJD.SyjpFznKBftPe",
                "",
                null));
    storage.passwords().create(entry("broken@example.com", "not a hash", "", null));

    assertThatThrownBy(() -> connector.login(SCOPES, "cheap@example.com", "test1"))
        .isInstanceOf(IdentityException.class)
        .hasMessage("given hash cost = 4 does not meet minimum cost requirement = 10");
    assertThatThrownBy(() -> connector.login(SCOPES, "dear@example.com", "test1"))
        .isInstanceOf(IdentityException.class)
        .hasMessage("given hash cost = 17 is above upper bound cost = 16, recommended cost = 12");
    assertThatThrownBy(() -> connector.login(SCOPES, "broken@example.com", "x"))
        .isInstanceOf(IdentityException.class)
        .hasMessageStartingWith("parsing bcrypt hash:");
  }

  @Test
  void costTwelveFromGoVerifies() throws Exception {
    // Dex's test hash of "test1" at its recommended cost.
    storage
        .passwords()
        .create(
            entry(
                "jane@example.com",
                "$2a$12$M2Ot95Qty1MuQdubh1acWOiYadJDzeVg3ve4n5b.dgcgPdjCseKx2",
                "",
                null));

    assertThat(connector.login(SCOPES, "jane@example.com", "test1")).isPresent();
  }

  @Test
  void onlyTheFirst72BytesOfAPasswordCountAsWithGo() throws Exception {
    String seventyTwo = "é".repeat(36); // 72 UTF-8 bytes
    storage.passwords().create(entry("jane@example.com", hash(seventyTwo), "", null));

    assertThat(connector.login(SCOPES, "jane@example.com", seventyTwo)).isPresent();
    assertThat(connector.login(SCOPES, "jane@example.com", seventyTwo + "anything")).isPresent();
    assertThat(connector.login(SCOPES, "jane@example.com", "é".repeat(35) + "e")).isEmpty();
  }

  @Test
  void aStorageFailureIsAnErrorNotAFailedLogin() {
    LocalPasswordConnector failing =
        new LocalPasswordConnector(
            "local",
            email -> {
              throw new StorageException("database is down");
            },
            new PasswordCheckLimiter(PasswordCheckLimiter.Limits.defaults()));

    assertThatThrownBy(() -> failing.login(SCOPES, "jane@example.com", "password"))
        .isInstanceOf(IdentityException.class)
        .hasMessage("get password: database is down");
  }

  @Test
  void refreshRereadsTheEntryAndKeepsIdEmailAndConnectorData() throws Exception {
    storage.passwords().create(entry("jane@example.com", GO_HASH_OF_PASSWORD, "", null));
    Identity first = connector.login(SCOPES, "jane@example.com", "password").orElseThrow();
    storage
        .passwords()
        .update(
            "jane@example.com",
            p ->
                new Password(
                    p.email(),
                    p.hash(),
                    p.username(),
                    p.userId(),
                    "Jane Renamed",
                    "jr",
                    false,
                    List.of("ops")));

    Identity refreshed = connector.refresh(SCOPES, first);

    assertThat(refreshed.userId()).isEqualTo("u-jane");
    assertThat(refreshed.email()).isEqualTo("jane@example.com");
    assertThat(refreshed.username()).isEqualTo("Jane Renamed");
    assertThat(refreshed.preferredUsername()).isEqualTo("jr");
    assertThat(refreshed.emailVerified()).isFalse();
    assertThat(refreshed.groups()).containsExactly("ops");
    assertThat(refreshed.connectorData()).isSameAs(first.connectorData());
  }

  @Test
  void refreshFailsOnceTheUserIsDeletedOrTheAddressBelongsToSomeoneElse() throws Exception {
    storage.passwords().create(entry("jane@example.com", GO_HASH_OF_PASSWORD, "", null));
    Identity identity = connector.login(SCOPES, "jane@example.com", "password").orElseThrow();

    storage.passwords().delete("jane@example.com");
    assertThatThrownBy(() -> connector.refresh(SCOPES, identity))
        .isInstanceOf(IdentityException.class)
        .hasMessage("user not found");

    storage
        .passwords()
        .create(
            new Password(
                "jane@example.com",
                GO_HASH_OF_PASSWORD.getBytes(StandardCharsets.US_ASCII),
                "jane",
                "u-other",
                "",
                "",
                null,
                List.of()));
    assertThatThrownBy(() -> connector.refresh(SCOPES, identity))
        .isInstanceOf(IdentityException.class)
        .hasMessage("user not found");
  }

  @Test
  void aLoginRefusedByTheSaturatedLimiterIsBusyNotAFailedLoginAndRunsNoBcrypt() throws Exception {
    storage.passwords().create(entry("jane@example.com", GO_HASH_OF_PASSWORD, "", null));
    PasswordCheckLimiter limiter =
        new PasswordCheckLimiter(new PasswordCheckLimiter.Limits(1, 0, Duration.ZERO));
    LocalPasswordConnector limited =
        new LocalPasswordConnector("local", storage.passwords()::get, limiter);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<Boolean>> held =
          other.submit(() ->
              limiter.run(() -> {
                holding.countDown();
                awaitQuietly(release);
                return true;
              }));
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

      // The right password, refused as busy (not as a wrong password): the comparison never ran.
      assertThatThrownBy(() -> limited.login(SCOPES, "jane@example.com", "password"))
          .isInstanceOf(PasswordCheckBusyException.class);
      assertThatThrownBy(() -> limited.login(SCOPES, "nobody@example.com", "password"))
          .isInstanceOf(PasswordCheckBusyException.class);

      release.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS)).contains(true);
      assertThat(limited.login(SCOPES, "jane@example.com", "password")).isPresent();
    } finally {
      release.countDown();
      other.shutdownNow();
    }
  }

  /**
   * An unknown email costs a comparison at the cost of the stored hashes in use (the last one
   * checked), not a fixed cost 10, so timing does not separate known from unknown addresses.
   */
  @Test
  void anUnknownEmailIsCheckedAgainstADecoyOfTheCostInUse() throws Exception {
    assertThat(connector.login(SCOPES, "nobody@example.com", "password")).isEmpty();
    assertThat(connector.decoyCosts()).containsExactly(10);
    byte[] salt = new byte[16];
    storage
        .passwords()
        .create(
            entry(
                "jane@example.com",
                OpenBSDBCrypt.generate("pw".getBytes(StandardCharsets.UTF_8), salt, 11),
                "",
                null));
    assertThat(connector.login(SCOPES, "jane@example.com", "wrong")).isEmpty();
    assertThat(connector.login(SCOPES, "nobody@example.com", "password")).isEmpty();
    assertThat(connector.login(SCOPES, "nobody@example.com", "password")).isEmpty();
    assertThat(connector.decoyCosts()).containsExactlyInAnyOrder(10, 11);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String hash(String password) {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate(password.getBytes(StandardCharsets.UTF_8), salt, 10);
  }

  private static Password entry(
      String email, String hash, String name, @Nullable Boolean emailVerified) {
    return new Password(
        email,
        hash.getBytes(StandardCharsets.US_ASCII),
        "jane",
        "u-jane",
        name,
        "janie",
        emailVerified,
        List.of("admins", "devs"));
  }
}
