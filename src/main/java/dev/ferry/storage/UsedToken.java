package dev.ferry.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A subject token that was exchanged once under {@code trust.singleUse} (issue 8): its record
 * refuses every later exchange of the same {@code (iss, jti)} on any replica that shares the
 * storage, until garbage collection deletes it after {@code expiresAt}. Ferry-only; Dex has no such
 * entity.
 *
 * <p>First use wins because {@link Repository#create} is atomic on every backend: the first create
 * of a key stores it, and every other one, however concurrent, throws {@link
 * AlreadyExistsException}. A record past {@code expiresAt} that garbage collection has not deleted
 * yet still refuses its key; nothing else ever removes or replaces a record.
 *
 * @param key {@link #keyOf}{@code (iss, jti)}: a fixed-length key, so that an attacker-sized {@code
 *     jti} never meets a backend's key-length limit (MySQL's {@code varchar(384)}) and every
 *     backend compares it exactly
 * @param issuer the token's {@code iss}, for operators looking at the table; at most {@link
 *     #MAX_ISSUER_LENGTH} characters (the key covers the whole issuer)
 * @param expiresAt when the record becomes garbage
 */
public record UsedToken(String key, String issuer, Instant expiresAt) {

  /**
   * Every backend keeps records of this entity until garbage collection finds {@code expiresAt}
   * strictly before now.
   */
  public static final Entity<String, UsedToken> ENTITY =
      Entity.byId("used token", UsedToken::key).expiresAt(UsedToken::expiresAt);

  /** The longest issuer kept for display: well inside MySQL's {@code varchar(384)}. */
  public static final int MAX_ISSUER_LENGTH = 256;

  /**
   * The latest instant stored: MySQL's {@code datetime} ends with the year 9999, and a record kept
   * until then is kept for good anyway.
   */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  /**
   * The record of one use of {@code (issuer, jti)}, kept until {@code expiresAt} (moved back to
   * {@link #LATEST} when later).
   */
  public static UsedToken of(String issuer, String jti, Instant expiresAt) {
    return new UsedToken(
        keyOf(issuer, jti), displayable(issuer), expiresAt.isAfter(LATEST) ? LATEST : expiresAt);
  }

  /**
   * The lowercase hex SHA-256 of the issuer and the {@code jti}, each as its length in UTF-16 code
   * units followed by those code units: the length prefix keeps {@code ("a", "bc")} and {@code
   * ("ab", "c")} apart, and hashing the code units rather than UTF-8 keeps strings with unpaired
   * surrogates (which JSON escapes can spell, and which have no UTF-8 form) apart from {@code "?"}.
   */
  public static String keyOf(String issuer, String jti) {
    ByteBuffer buffer = ByteBuffer.allocate(8 + 2 * (issuer.length() + jti.length()));
    for (String part : new String[] {issuer, jti}) {
      buffer.putInt(part.length());
      for (int i = 0; i < part.length(); i++) {
        buffer.putChar(part.charAt(i));
      }
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buffer.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * The issuer as every backend can hold it: cut to {@link #MAX_ISSUER_LENGTH} code points, with
   * characters PostgreSQL refuses in text (NUL) or that have no UTF-8 form (unpaired surrogates)
   * replaced by U+FFFD. It is only shown, never compared.
   */
  private static String displayable(String issuer) {
    StringBuilder out = new StringBuilder();
    int count = 0;
    for (int i = 0; i < issuer.length() && count < MAX_ISSUER_LENGTH; count++) {
      int cp = issuer.codePointAt(i);
      i += Character.charCount(cp);
      out.appendCodePoint(
          cp == 0 || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)
              ? 0xFFFD
              : cp);
    }
    return out.toString();
  }
}
