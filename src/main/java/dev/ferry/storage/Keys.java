package dev.ferry.storage;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The signing-key singleton (Dex: storage.Keys). Keys are JWK JSON strings as Dex stores them:
 * {@code signingKey} is the private JWK, {@code signingKeyPub} its public half, and {@code
 * verificationKeys} the retired public keys kept until every token they signed has expired.
 */
public record Keys(
    @Nullable String signingKey,
    @Nullable String signingKeyPub,
    List<VerificationKey> verificationKeys,
    Instant nextRotation) {

  public Keys {
    verificationKeys = List.copyOf(verificationKeys);
  }

  /** A retired public key (JWK JSON) and the instant after which it may be dropped. */
  public record VerificationKey(String publicKey, Instant expiry) {}
}
