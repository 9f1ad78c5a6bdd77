package dev.ferry.storage;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A password-DB entry (Dex: storage.Password), keyed by lower-cased email. {@code hash} is the
 * bcrypt hash; {@code emailVerified} null means "not set" (Dex defaults it to true).
 */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record Password(
    String email,
    byte[] hash,
    String username,
    String userId,
    String name,
    String preferredUsername,
    @Nullable Boolean emailVerified,
    List<String> groups) {
  /** Keyed by email, lower-cased as Dex does (Dex: storage/sql/crud.go CreatePassword). */
  public static final Entity<String, Password> ENTITY =
      new Entity<>(
          "password",
          Password::email,
          email -> List.of(email.toLowerCase(Locale.ROOT)),
          Password::withLowerCaseEmail);

  public Password {
    groups = List.copyOf(groups);
  }

  /** The same entry keyed as Dex keys it: the email lower-cased. */
  public Password withLowerCaseEmail() {
    return new Password(
        email.toLowerCase(Locale.ROOT),
        hash,
        username,
        userId,
        name,
        preferredUsername,
        emailVerified,
        groups);
  }
}
