package dev.ferry.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks a {@code staticPasswords[].hash} the way Dex does: a bcrypt string as it is, or else the
 * base64 of one (Dex: {@code password.UnmarshalJSON}, golang.org/x/crypto/bcrypt {@code Cost}).
 */
final class Bcrypt {
  /** Go's bcrypt {@code minHashSize}. */
  private static final int MIN_HASH_SIZE = 59;

  private Bcrypt() {}

  /**
   * The bcrypt hash in {@code value}, decoding base64 if needed.
   *
   * @throws IllegalArgumentException {@code malformed bcrypt hash: <why>}
   */
  static String decode(String value) {
    Optional<String> rawError = costError(value);
    if (rawError.isEmpty()) {
      return value;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.ISO_8859_1);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed bcrypt hash: " + rawError.get(), e);
    }
    Optional<String> decodedError = costError(decoded);
    if (decodedError.isPresent()) {
      throw new IllegalArgumentException("malformed bcrypt hash: " + decodedError.get());
    }
    return decoded;
  }

  /** Why Go's {@code bcrypt.Cost} would reject {@code hash}, if it would. */
  private static Optional<String> costError(String hash) {
    if (hash.length() < MIN_HASH_SIZE) {
      return Optional.of("crypto/bcrypt: hashedSecret too short to be a bcrypted password");
    }
    if (hash.charAt(0) != '$') {
      return Optional.of(
          "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '"
              + hash.charAt(0)
              + "'");
    }
    if (hash.charAt(1) > '2') {
      return Optional.of(
          "crypto/bcrypt: bcrypt algorithm version '"
              + hash.charAt(1)
              + "' requested is newer than current version '2'");
    }
    int costAt = hash.charAt(2) == '$' ? 3 : 4;
    String costText = hash.substring(costAt, costAt + 2);
    if (!costText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of("strconv.Atoi: parsing \"" + costText + "\": invalid syntax");
    }
    int cost = Integer.parseInt(costText);
    if (cost < 4 || cost > 31) {
      return Optional.of(
          "crypto/bcrypt: cost " + cost + " is outside allowed inclusive range 4..31");
    }
    return Optional.empty();
  }
}
