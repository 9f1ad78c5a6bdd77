package dev.ferry.policy;

/**
 * Remembers single-use subject tokens across every replica that shares the storage. Implementations
 * are backed by storage; the composition root provides one.
 */
public interface ReplayLedger {

  /**
   * Records the token's first use.
   *
   * @return true for the first use, false when it was used before (on any replica)
   * @throws RuntimeException a storage failure, which the caller answers as a server error: a token
   *     that cannot be recorded is not accepted
   */
  boolean recordFirstUse(SingleUse use);
}
