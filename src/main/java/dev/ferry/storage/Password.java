package dev.ferry.storage;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A password-DB entry (Dex: storage.Password), keyed by lower-cased email. {@code hash} is the
 * bcrypt hash; {@code emailVerified} null means "not set" (Dex defaults it to true).
 */
public record Password(
    String email,
    byte[] hash,
    String username,
    String userId,
    String name,
    String preferredUsername,
    @Nullable Boolean emailVerified,
    List<String> groups) {

  public Password {
    groups = List.copyOf(groups);
  }
}
