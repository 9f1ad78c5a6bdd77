package dev.ferry.server;

import dev.ferry.policy.ReplayLedger;
import dev.ferry.policy.SingleUse;
import dev.ferry.storage.AlreadyExistsException;
import dev.ferry.storage.Storage;
import dev.ferry.storage.UsedToken;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@link ReplayLedger} of {@code trust.singleUse} (issue 8) over the shared storage: a first
 * use is a {@link UsedToken} created in the {@code ferry_used_tokens} table (or the memory
 * backend's map), and a later one, on any replica sharing the storage, finds the key taken. Every
 * backend's create is atomic, so of many concurrent first uses exactly one wins.
 *
 * <p>The record is kept {@link #CLOCK_SKEW} past the token's {@code exp}: the replica whose garbage
 * collection deletes it and the replica that checks {@code exp} may disagree about the time, and a
 * record deleted while another replica still accepts the token would let that replica accept it
 * again. Five minutes is the skew the upstream verifier already allows for {@code nbf} (go-oidc's)
 * and the {@code trust} block allows for {@code iat}.
 */
public final class StorageReplayLedger implements ReplayLedger {

  /** How long a record outlives its token's {@code exp}; see the class note. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final Storage storage;

  public StorageReplayLedger(Storage storage) {
    this.storage = storage;
  }

  /**
   * @throws dev.ferry.storage.StorageException when the storage fails: the token is then not
   *     recorded, and the caller must not accept it
   */
  @Override
  public boolean recordFirstUse(SingleUse use) {
    try {
      Instant until =
          use.expiresAt().isBefore(UsedToken.LATEST)
              ? use.expiresAt().plus(CLOCK_SKEW)
              : UsedToken.LATEST;
      storage.repository(UsedToken.ENTITY).create(UsedToken.of(use.issuer(), use.jti(), until));
      return true;
    } catch (AlreadyExistsException e) {
      return false;
    }
  }
}
