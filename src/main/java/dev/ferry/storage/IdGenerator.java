package dev.ferry.storage;

import java.security.SecureRandom;

/**
 * Random identifiers in Dex's formats (Dex: storage/storage.go NewID, NewDeviceCode, NewUserCode).
 * IDs are lower-case base32 so they are safe in URLs, Kubernetes object names and SQL keys alike,
 * and their first character is always a letter.
 */
public final class IdGenerator {

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** Dex's user-code alphabet: consonants only, so that no word (offensive or not) can appear. */
  private static final char[] USER_CODE = "BCDFGHJKLMNPQRSTVWXZ".toCharArray();

  private final SecureRandom random;

  public IdGenerator(SecureRandom random) {
    this.random = random;
  }

  /** A 25-character ID from 16 random bytes (Dex: NewID). */
  public String newId() {
    return fromBytes(16);
  }

  /** A 51-character device code from 32 random bytes (Dex: NewDeviceCode). */
  public String newDeviceCode() {
    return fromBytes(32);
  }

  /** An 8-letter user code shown as {@code XXXX-XXXX} (Dex: NewUserCode; RFC 8628 §6.1). */
  public String newUserCode() {
    StringBuilder out = new StringBuilder(9);
    for (int i = 0; i < 8; i++) {
      if (i == 4) {
        out.append('-');
      }
      out.append(USER_CODE[random.nextInt(USER_CODE.length)]);
    }
    return out.toString();
  }

  private String fromBytes(int n) {
    byte[] buf = new byte[n];
    random.nextBytes(buf);
    // Dex: the first character is 'a' + byte0 % 26 (a letter), then unpadded base32 of the rest.
    StringBuilder out = new StringBuilder();
    out.append((char) ('a' + Byte.toUnsignedInt(buf[0]) % 26));
    appendBase32(out, buf, 1);
    return out.toString();
  }

  /** RFC 4648 §6 base32 without padding, lower-case alphabet, of {@code buf[from..]}. */
  static void appendBase32(StringBuilder out, byte[] buf, int from) {
    int bits = 0;
    int value = 0;
    for (int i = from; i < buf.length; i++) {
      value = (value << 8) | Byte.toUnsignedInt(buf[i]);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(value >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(value << (5 - bits)) & 31]);
    }
  }
}
