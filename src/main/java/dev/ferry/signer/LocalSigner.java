package dev.ferry.signer;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.ferry.storage.Keys;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dex's local signer: keys live in storage, rotate every {@code rotationPeriod}, and retired public
 * keys stay published until every token they signed has expired (Dex: server/signer/rotation.go
 * keyRotator.rotate).
 *
 * <p><b>Design.</b> The keys are held in memory as an immutable {@link KeySet} snapshot; {@link
 * #sign} and {@link #publicKeys} only read that snapshot, so the token path never touches storage.
 * {@link #rotateIfDue} is the only method that talks to storage. The server calls it once at start
 * (blocking) and then every 30 seconds; tests call it directly with an injected clock.
 *
 * <p><b>Several replicas on one database.</b> Storage is the coordination point. The decision to
 * rotate is re-checked inside the {@link Storage#updateKeys} compare-and-swap: a replica that finds
 * a signing key whose {@code nextRotation} is still in the future backs off and loads those keys
 * instead, so each period rotates exactly once whoever gets there first. A replica whose snapshot
 * is past its {@code nextRotation} re-reads storage on every tick, so all replicas publish a new
 * key within one tick of its rotation.
 *
 * <p><b>Storage outages.</b> When storage cannot be reached the current snapshot stays in use
 * (tokens keep being signed and verified) and rotation is retried on the next tick.
 */
public final class LocalSigner implements Signer {
  private static final Logger log = LoggerFactory.getLogger(LocalSigner.class);

  private final Storage storage;
  private final KeyGenerator generator;
  private final Clock clock;
  private final Duration rotationPeriod;
  private final Duration idTokenValidity;
  private final String algorithm;
  private volatile @Nullable KeySet current;

  /**
   * @param rotationPeriod how long a key signs ({@code keysRotationPeriod}, default 6h)
   * @param idTokenValidity how long a retired key stays published ({@code expiry.idTokens})
   * @param algorithm {@code RS256} or {@code ES256}, for keys generated from now on
   */
  public LocalSigner(
      Storage storage,
      KeyGenerator generator,
      Clock clock,
      Duration rotationPeriod,
      Duration idTokenValidity,
      String algorithm) {
    this.storage = storage;
    this.generator = generator;
    this.clock = clock;
    this.rotationPeriod = rotationPeriod;
    this.idTokenValidity = idTokenValidity;
    this.algorithm = algorithm;
  }

  /** What one call of {@link #rotateIfDue} did. */
  public enum Outcome {
    /** The in-memory keys are still current; storage was not read. */
    NOT_DUE,
    /** This replica generated and stored a new signing key. */
    ROTATED,
    /** Another replica's current keys were loaded from storage. */
    LOADED,
    /** Storage failed; the previous keys (if any) stay in use. */
    FAILED
  }

  /**
   * Rotates the keys through storage if the current key is due, or loads the keys another replica
   * stored. Never throws: failures are logged and reported as {@link Outcome#FAILED}.
   */
  public Outcome rotateIfDue() {
    Instant now = clock.instant();
    KeySet snapshot = current;
    if (snapshot != null && now.isBefore(snapshot.nextRotation())) {
      return Outcome.NOT_DUE;
    }
    try {
      Optional<Keys> stored = storage.getKeys();
      if (stored.isPresent() && isCurrent(stored.get(), now)) {
        return load(stored.get(), Outcome.LOADED);
      }
      JWK fresh = generator.generate(algorithm);
      try {
        Keys updated = updateKeys(fresh, now);
        log.info(
            "keys rotated, next rotation: {}, kid: {}", updated.nextRotation(), fresh.getKeyID());
        return load(updated, Outcome.ROTATED);
      } catch (AlreadyRotated e) {
        log.info("keys already rotated by another server instance");
        return storage.getKeys().map(keys -> load(keys, Outcome.LOADED)).orElse(Outcome.FAILED);
      }
    } catch (StorageException | IllegalArgumentException e) {
      log.error("key rotation failed, keeping the current keys: {}", e.getMessage());
      return Outcome.FAILED;
    }
  }

  private Keys updateKeys(JWK fresh, Instant now) {
    Keys[] result = new Keys[1];
    storage.updateKeys(existing -> {
      // Re-checked inside the transaction: another replica may have rotated since we read.
      if (existing.isPresent() && isCurrent(existing.get(), now)) {
        throw new AlreadyRotated();
      }
      List<Keys.VerificationKey> verification = new ArrayList<>();
      existing.ifPresent(old -> {
        for (Keys.VerificationKey key : old.verificationKeys()) {
          if (!key.expiry().isBefore(now)) {
            verification.add(key);
          }
        }
        String oldPublic = old.signingKeyPub();
        if (oldPublic != null) {
          // Keep the retired key until every token it signed has expired.
          verification.add(new Keys.VerificationKey(oldPublic, now.plus(idTokenValidity)));
        }
      });
      Keys next =
          new Keys(
              fresh.toJSONString(),
              fresh.toPublicJWK().toJSONString(),
              verification,
              now.plus(rotationPeriod));
      result[0] = next;
      return next;
    });
    Keys stored = result[0];
    if (stored == null) {
      throw new StorageException("key update returned without running the updater");
    }
    return stored;
  }

  private static boolean isCurrent(Keys keys, Instant now) {
    return keys.signingKey() != null && now.isBefore(keys.nextRotation());
  }

  private Outcome load(Keys keys, Outcome outcome) {
    try {
      current = KeySet.of(keys);
      return outcome;
    } catch (ParseException | IllegalArgumentException e) {
      log.error("stored signing keys are unusable: {}", e.getMessage());
      return Outcome.FAILED;
    }
  }

  @Override
  public String sign(byte[] payload) throws SigningException {
    return keySet().signingKey().sign(payload);
  }

  @Override
  public String algorithm() throws SigningException {
    return keySet().signingKey().algorithm();
  }

  @Override
  public JWKSet publicKeys() {
    KeySet snapshot = current;
    return snapshot == null ? new JWKSet() : snapshot.publicKeys();
  }

  /** When the current key is due to rotate, if keys are loaded. */
  public Optional<Instant> nextRotation() {
    KeySet snapshot = current;
    return snapshot == null ? Optional.empty() : Optional.of(snapshot.nextRotation());
  }

  private KeySet keySet() throws SigningException {
    KeySet snapshot = current;
    if (snapshot == null) {
      throw new SigningException("no signing key available yet");
    }
    return snapshot;
  }

  /** Thrown inside the CAS to abort when another replica rotated first. */
  private static final class AlreadyRotated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyRotated() {
      super("keys already rotated by another server instance", null, false, false);
    }
  }

  /** An immutable view of the stored keys, parsed once. */
  private record KeySet(SigningKey signingKey, JWKSet publicKeys, Instant nextRotation) {
    static KeySet of(Keys keys) throws ParseException {
      String privateJson = keys.signingKey();
      String publicJson = keys.signingKeyPub();
      if (privateJson == null || publicJson == null) {
        throw new IllegalArgumentException("no signing key stored");
      }
      List<JWK> published = new ArrayList<>();
      published.add(JWK.parse(publicJson));
      for (Keys.VerificationKey key : keys.verificationKeys()) {
        published.add(JWK.parse(key.publicKey()));
      }
      return new KeySet(
          SigningKey.of(JWK.parse(privateJson)), new JWKSet(published), keys.nextRotation());
    }
  }
}
