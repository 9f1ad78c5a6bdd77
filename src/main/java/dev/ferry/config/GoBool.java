package dev.ferry.config;

import java.util.Optional;

/**
 * Go's {@code strconv.ParseBool}, which Dex uses for its {@code DEX_*} feature flags: it accepts
 * exactly 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False. Anything else (including the
 * empty string) does not parse, and Dex then keeps the flag's default.
 */
final class GoBool {
  private GoBool() {}

  static Optional<Boolean> parse(String value) {
    return switch (value) {
      case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}
