package dev.ferry.connector.local;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The bcrypt comparison Dex makes at login, with Bouncy Castle's {@link OpenBSDBCrypt}: the stored
 * hash's cost must be within Dex's bounds (Dex: server/passwords CheckCost, 10 to 16), then the
 * password's UTF-8 bytes are compared. Only the first 72 bytes of a password count, as with Go's
 * {@code bcrypt.CompareHashAndPassword} (golang/go#36546); Bouncy Castle truncates the same way.
 */
final class Bcrypt {
  /** Go's {@code bcrypt.DefaultCost}: Dex refuses hashes below it. */
  static final int MIN_COST = 10;

  /** Dex's {@code upBoundCost}: hashes above it would make each login too expensive. */
  static final int MAX_COST = 16;

  /** Dex's recommended cost, quoted in its error. */
  static final int RECOMMENDED_COST = 12;

  /** Go's bcrypt {@code minHashSize}. */
  private static final int MIN_HASH_SIZE = 59;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Bcrypt() {}

  /**
   * Why Dex would refuse to compare against {@code hash}, if it would: unparsable, or a cost
   * outside {@link #MIN_COST}..{@link #MAX_COST}.
   */
  static Optional<String> costProblem(byte[] hash) {
    String text = new String(hash, StandardCharsets.ISO_8859_1);
    if (text.length() < MIN_HASH_SIZE || text.charAt(0) != '$' || text.charAt(1) > '2') {
      return Optional.of("parsing bcrypt hash: not a bcrypt hash");
    }
    int costAt = text.charAt(2) == '$' ? 3 : 4;
    String costText = text.substring(costAt, costAt + 2);
    if (!costText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of("parsing bcrypt hash: the cost is not a number");
    }
    int cost = Integer.parseInt(costText);
    if (cost < MIN_COST) {
      return Optional.of(
          "given hash cost = " + cost + " does not meet minimum cost requirement = " + MIN_COST);
    }
    if (cost > MAX_COST) {
      return Optional.of(
          "given hash cost = "
              + cost
              + " is above upper bound cost = "
              + MAX_COST
              + ", recommended cost = "
              + RECOMMENDED_COST);
    }
    return Optional.empty();
  }

  /**
   * The cost of a hash {@link #costProblem} accepted (so within {@link #MIN_COST}..{@link
   * #MAX_COST}).
   */
  static int cost(byte[] hash) {
    int costAt = hash[2] == '$' ? 3 : 4;
    return (hash[costAt] - '0') * 10 + (hash[costAt + 1] - '0');
  }

  /**
   * A fresh hash of a random throwaway password at {@code cost}: making it costs what a comparison
   * against a hash of that cost does.
   */
  static byte[] decoy(int cost) {
    byte[] password = new byte[16];
    byte[] salt = new byte[16];
    RANDOM.nextBytes(password);
    RANDOM.nextBytes(salt);
    return OpenBSDBCrypt.generate(password, salt, cost).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Whether {@code password} matches {@code hash}; CPU-bound for tens of milliseconds at cost 10,
   * so callers go through the {@link PasswordCheckLimiter}. A hash Bouncy Castle cannot read (a
   * version other than 2a, 2b, 2y, 2x) never matches.
   */
  static boolean matches(byte[] hash, String password) {
    try {
      return OpenBSDBCrypt.checkPassword(
          new String(hash, StandardCharsets.ISO_8859_1), password.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
