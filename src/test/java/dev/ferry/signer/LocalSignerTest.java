package dev.ferry.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.ferry.signer.LocalSigner.Outcome;
import dev.ferry.storage.Keys;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalSignerTest {
  private static final Duration PERIOD = Duration.ofHours(6);
  private static final Duration ID_TOKENS = Duration.ofHours(24);
  private static final byte[] PAYLOAD = "{\"sub\":\"x\"}".getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T00:00:00Z"));
  private final MemoryStorage storage = new MemoryStorage();

  private LocalSigner signer(Storage store, String algorithm) {
    return new LocalSigner(
        store, new KeyGenerator(new SecureRandom()), clock, PERIOD, ID_TOKENS, algorithm);
  }

  private static List<String> kids(LocalSigner signer) {
    return signer.publicKeys().getKeys().stream().map(JWK::getKeyID).toList();
  }

  @Test
  void noKeyBeforeTheFirstRotation() {
    LocalSigner signer = signer(storage, "RS256");
    assertThat(signer.publicKeys().getKeys()).isEmpty();
    assertThatThrownBy(() -> signer.sign(PAYLOAD)).isInstanceOf(SigningException.class);
  }

  @Test
  void firstRotationCreatesAnRsaKeyWithDexShape() throws Exception {
    LocalSigner signer = signer(storage, "RS256");
    assertThat(signer.rotateIfDue()).isEqualTo(Outcome.ROTATED);
    assertThat(signer.algorithm()).isEqualTo("RS256");
    JWK pub = signer.publicKeys().getKeys().get(0);
    assertThat(pub.getKeyID()).matches("[0-9a-f]{40}");
    assertThat(pub.isPrivate()).isFalse();
    assertThat(((RSAKey) pub).size()).isEqualTo(2048);
    JWSObject jws = JWSObject.parse(signer.sign(PAYLOAD));
    assertThat(jws.getHeader().toJSONObject()).containsOnlyKeys("alg", "kid");
    assertThat(jws.verify(new RSASSAVerifier((RSAKey) pub))).isTrue();
    Keys stored = storage.getKeys().orElseThrow();
    assertThat(stored.nextRotation()).isEqualTo(clock.instant().plus(PERIOD));
    assertThat(stored.verificationKeys()).isEmpty();
  }

  @Test
  void es256OnRequest() throws Exception {
    LocalSigner signer = signer(storage, "ES256");
    signer.rotateIfDue();
    assertThat(signer.algorithm()).isEqualTo("ES256");
    ECKey pub = (ECKey) signer.publicKeys().getKeys().get(0);
    assertThat(JWSObject.parse(signer.sign(PAYLOAD)).verify(new ECDSAVerifier(pub))).isTrue();
  }

  @Test
  void notDueReadsNothing() {
    LocalSigner signer = signer(storage, "RS256");
    signer.rotateIfDue();
    clock.advance(PERIOD.minusSeconds(1));
    assertThat(signer.rotateIfDue()).isEqualTo(Outcome.NOT_DUE);
  }

  @Test
  void rotationKeepsOldKeysUntilTheirTokensExpire() throws Exception {
    LocalSigner signer = signer(storage, "RS256");
    signer.rotateIfDue();
    String first = kids(signer).get(0);
    String oldToken = signer.sign(PAYLOAD);

    clock.advance(PERIOD);
    assertThat(signer.rotateIfDue()).isEqualTo(Outcome.ROTATED);
    List<String> afterOne = kids(signer);
    assertThat(afterOne).hasSize(2).element(1).isEqualTo(first);
    assertThat(afterOne.get(0)).isNotEqualTo(first);
    // A token signed with the retired key still verifies against the published set.
    String oldKid = JWSObject.parse(oldToken).getHeader().getKeyID();
    assertThat(afterOne).contains(oldKid);
    Keys stored = storage.getKeys().orElseThrow();
    assertThat(stored.verificationKeys().get(0).expiry())
        .isEqualTo(clock.instant().plus(ID_TOKENS));

    // After 24h of 6h rotations the first key's retention has lapsed: it expired at
    // rotation1 + 24h and is dropped at the first rotation strictly after that instant.
    for (int i = 0; i < 4; i++) {
      clock.advance(PERIOD);
      signer.rotateIfDue();
    }
    assertThat(kids(signer)).contains(first);
    clock.advance(PERIOD);
    signer.rotateIfDue();
    assertThat(kids(signer)).doesNotContain(first);
    // Now t=36h: the current key plus k2..k6, retired at 12h..36h; k2 expires at exactly 36h,
    // which is not before now, so it stays (Dex drops a key only when expiry < now).
    assertThat(kids(signer)).hasSize(6);
  }

  @Test
  void changedAlgorithmAppliesFromTheNextRotation() throws Exception {
    signer(storage, "RS256").rotateIfDue();
    LocalSigner restarted = signer(storage, "ES256");
    assertThat(restarted.rotateIfDue()).isEqualTo(Outcome.LOADED);
    assertThat(restarted.algorithm()).isEqualTo("RS256");
    clock.advance(PERIOD);
    assertThat(restarted.rotateIfDue()).isEqualTo(Outcome.ROTATED);
    assertThat(restarted.algorithm()).isEqualTo("ES256");
  }

  @Test
  void twoSignersSharingOneStoreRotateOncePerPeriod() throws Exception {
    CountingStorage counting = new CountingStorage(storage);
    LocalSigner a = signer(counting.storage(), "RS256");
    LocalSigner b = signer(counting.storage(), "RS256");
    assertThat(a.rotateIfDue()).isEqualTo(Outcome.ROTATED);
    assertThat(b.rotateIfDue()).isEqualTo(Outcome.LOADED);
    assertThat(kids(a)).isEqualTo(kids(b));
    for (int period = 0; period < 3; period++) {
      clock.advance(PERIOD);
      Outcome first = b.rotateIfDue();
      Outcome second = a.rotateIfDue();
      assertThat(List.of(first, second)).containsExactly(Outcome.ROTATED, Outcome.LOADED);
      assertThat(kids(a)).isEqualTo(kids(b));
    }
    assertThat(counting.successfulKeyUpdates()).isEqualTo(4);
  }

  @Test
  void concurrentReplicasRaceToRotateAndExactlyOneWins() throws Exception {
    CountingStorage counting = new CountingStorage(storage);
    int replicas = 6;
    List<LocalSigner> signers = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      signers.add(signer(counting.storage(), "ES256"));
    }
    CyclicBarrier start = new CyclicBarrier(replicas);
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      List<Future<Outcome>> outcomes = new ArrayList<>();
      for (LocalSigner signer : signers) {
        outcomes.add(
            pool.submit(() -> {
              start.await(10, TimeUnit.SECONDS);
              return signer.rotateIfDue();
            }));
      }
      List<Outcome> results = new ArrayList<>();
      for (Future<Outcome> outcome : outcomes) {
        results.add(outcome.get(30, TimeUnit.SECONDS));
      }
      assertThat(results).containsOnlyOnce(Outcome.ROTATED);
      assertThat(counting.successfulKeyUpdates()).isEqualTo(1);
      for (LocalSigner signer : signers) {
        assertThat(kids(signer)).isEqualTo(kids(signers.get(0)));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void storageOutageKeepsTheCurrentKeysSigning() throws Exception {
    CountingStorage flaky = new CountingStorage(storage);
    LocalSigner signer = signer(flaky.storage(), "RS256");
    signer.rotateIfDue();
    List<String> before = kids(signer);
    flaky.failing = true;
    clock.advance(PERIOD);
    assertThat(signer.rotateIfDue()).isEqualTo(Outcome.FAILED);
    assertThat(kids(signer)).isEqualTo(before);
    assertThat(signer.sign(PAYLOAD)).isNotBlank();
    flaky.failing = false;
    assertThat(signer.rotateIfDue()).isEqualTo(Outcome.ROTATED);
  }

  @Test
  void failureBeforeAnyKeyMeansNoSigning() {
    CountingStorage flaky = new CountingStorage(storage);
    flaky.failing = true;
    LocalSigner signer = signer(flaky.storage(), "RS256");
    assertThat(signer.rotateIfDue()).isEqualTo(Outcome.FAILED);
    assertThatThrownBy(() -> signer.sign(PAYLOAD)).isInstanceOf(SigningException.class);
  }

  /**
   * A view of a real store whose key updates are counted and which fails on demand, built as a
   * dynamic proxy so that only the key methods are touched.
   */
  private static final class CountingStorage {
    private final AtomicInteger updates = new AtomicInteger();
    volatile boolean failing;
    private final Storage proxy;

    CountingStorage(MemoryStorage delegate) {
      this.proxy =
          (Storage)
              Proxy.newProxyInstance(
                  Storage.class.getClassLoader(),
                  new Class<?>[] {Storage.class},
                  (target, method, args) -> {
                    if (failing) {
                      throw new StorageException("database is down");
                    }
                    try {
                      Object result = method.invoke(delegate, args);
                      if (method.getName().equals("updateKeys")) {
                        updates.incrementAndGet();
                      }
                      return result;
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
    }

    int successfulKeyUpdates() {
      return updates.get();
    }

    Storage storage() {
      return proxy;
    }
  }
}
