package dev.ferry.connector.upstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a log line may say about an upstream token: never the token, only the first 12 hex digits of
 * its SHA-256, enough to correlate and useless to replay.
 */
public final class TokenFingerprint {

  private TokenFingerprint() {}

  public static String of(String token) {
    return sha256(token).substring(0, 12);
  }

  /** The whole SHA-256 in lowercase hex: what an audit record names a token by. */
  public static String sha256(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
