package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.policy.SingleUse;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.UsedToken;
import dev.ferry.storage.memory.MemoryStorage;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The single-use ledger over storage (issue 8, semantics point 2); the backends' atomic create,
 * concurrency included, is the storage conformance suite's.
 */
class StorageReplayLedgerTest {

  private static final String GITHUB = "https://token.actions.githubusercontent.com";
  private static final Instant EXP = Instant.parse("2026-12-04T15:00:00Z");

  private final Storage storage = new MemoryStorage();
  private final StorageReplayLedger ledger = new StorageReplayLedger(storage);

  @AfterEach
  void close() {
    storage.close();
  }

  @Test
  void theFirstUseIsRecordedAndEveryLaterOneRefused() {
    assertThat(ledger.recordFirstUse(new SingleUse(GITHUB, "jti-1", EXP))).isTrue();
    assertThat(ledger.recordFirstUse(new SingleUse(GITHUB, "jti-1", EXP))).isFalse();
    // The same token with another exp (it cannot be, but the key is only iss and jti).
    assertThat(ledger.recordFirstUse(new SingleUse(GITHUB, "jti-1", EXP.plusSeconds(60))))
        .isFalse();
  }

  static Stream<Arguments> otherTokens() {
    return Stream.of(
        Arguments.of("another jti", GITHUB, "jti-2"),
        Arguments.of("another issuer", "https://gitlab.com", "jti-1"),
        Arguments.of("the jti in another case", GITHUB, "JTI-1"),
        Arguments.of("the jti with a trailing space", GITHUB, "jti-1 "),
        // Length prefixes: ("...com", "/jti-1") and ("...com/", "jti-1") are different pairs.
        Arguments.of("the boundary moved", GITHUB + "/", "jti-1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherTokens")
  void anotherTokenIsAFirstUseOfItsOwn(String what, String issuer, String jti) {
    assertThat(ledger.recordFirstUse(new SingleUse(GITHUB, "/jti-1", EXP))).isTrue();
    assertThat(ledger.recordFirstUse(new SingleUse(GITHUB, "jti-1", EXP))).isTrue();
    assertThat(ledger.recordFirstUse(new SingleUse(issuer, jti, EXP))).as(what).isTrue();
    assertThat(ledger.recordFirstUse(new SingleUse(issuer, jti, EXP))).as(what).isFalse();
  }

  @Test
  void theRecordOutlivesTheTokenByTheClockSkewBetweenReplicas() {
    ledger.recordFirstUse(new SingleUse(GITHUB, "jti-1", EXP));
    UsedToken record =
        storage.repository(UsedToken.ENTITY).get(UsedToken.keyOf(GITHUB, "jti-1")).orElseThrow();
    assertThat(record.issuer()).isEqualTo(GITHUB);
    assertThat(record.expiresAt()).isEqualTo(EXP.plus(StorageReplayLedger.CLOCK_SKEW));
    assertThat(record.key()).matches("[0-9a-f]{64}");

    // A replica whose clock runs ahead collects at what it thinks is just after exp: the record
    // must still be there for a replica whose clock still accepts the token.
    assertThat(storage.garbageCollect(EXP.plusSeconds(1)).deleted(UsedToken.ENTITY)).isZero();
    assertThat(ledger.recordFirstUse(new SingleUse(GITHUB, "jti-1", EXP))).isFalse();

    Instant pastSkew = EXP.plus(StorageReplayLedger.CLOCK_SKEW).plusMillis(1);
    assertThat(storage.garbageCollect(pastSkew).deleted(UsedToken.ENTITY)).isEqualTo(1);
  }

  @Test
  void aFarFutureExpIsKeptUntilTheLastStorableInstant() {
    ledger.recordFirstUse(new SingleUse(GITHUB, "forever", Instant.MAX));
    ledger.recordFirstUse(new SingleUse(GITHUB, "year-9999", UsedToken.LATEST.minusSeconds(1)));
    assertThat(storage.repository(UsedToken.ENTITY).list())
        .extracting(UsedToken::expiresAt)
        .containsOnly(UsedToken.LATEST);
  }

  @Test
  void aStorageFailurePropagatesSoTheTokenIsNotAccepted() {
    storage.close();
    assertThatThrownBy(() -> ledger.recordFirstUse(new SingleUse(GITHUB, "jti-1", EXP)))
        .isInstanceOf(StorageException.class);
  }

  @Test
  void theIssuerKeptForOperatorsIsCutAndStorable() {
    String longIssuer = "https://" + "a".repeat(1000) + ".example.com";
    ledger.recordFirstUse(new SingleUse(longIssuer, "jti-1", EXP));
    ledger.recordFirstUse(new SingleUse("https://x\u0000\uD800.example.com", "jti-1", EXP));
    assertThat(
            storage
                .repository(UsedToken.ENTITY)
                .get(UsedToken.keyOf(longIssuer, "jti-1"))
                .orElseThrow()
                .issuer())
        .hasSize(UsedToken.MAX_ISSUER_LENGTH)
        .startsWith("https://aaa");
    assertThat(
            storage
                .repository(UsedToken.ENTITY)
                .get(UsedToken.keyOf("https://x\u0000\uD800.example.com", "jti-1"))
                .orElseThrow()
                .issuer())
        .isEqualTo("https://x\uFFFD\uFFFD.example.com");
  }
}
