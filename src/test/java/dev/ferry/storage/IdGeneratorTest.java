package dev.ferry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdGeneratorTest {

  /** A SecureRandom that returns fixed bytes, so the encoding can be checked exactly. */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedRandom(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public void nextBytes(byte[] out) {
      System.arraycopy(bytes, 0, out, 0, out.length);
    }
  }

  @ParameterizedTest
  @CsvSource({
    // RFC 4648 §10 test vectors, lower-cased and without padding.
    "f, my",
    "fo, mzxq",
    "foo, mzxw6",
    "foob, mzxw6yq",
    "fooba, mzxw6ytb",
    "foobar, mzxw6ytboi"
  })
  void base32MatchesRfc4648(String input, String expected) {
    StringBuilder out = new StringBuilder();
    IdGenerator.appendBase32(out, input.getBytes(StandardCharsets.US_ASCII), 0);
    assertThat(out.toString()).isEqualTo(expected);
  }

  @Test
  void newIdHasDexShape() {
    byte[] bytes = new byte[16];
    bytes[0] = (byte) 27; // 27 % 26 = 1 -> 'b'
    String id = new IdGenerator(new FixedRandom(bytes)).newId();
    // 15 zero bytes = 120 bits = 24 base32 characters, all 'a'.
    assertThat(id).isEqualTo("b" + "a".repeat(24));
  }

  @Test
  void firstCharacterUsesUnsignedByte() {
    byte[] bytes = new byte[16];
    bytes[0] = (byte) 0xff; // 255 % 26 = 21 -> 'v'
    assertThat(new IdGenerator(new FixedRandom(bytes)).newId()).startsWith("v");
  }

  @Test
  void randomIdsAreDistinctAndWellFormed() {
    IdGenerator ids = new IdGenerator(new SecureRandom());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = ids.newId();
      assertThat(id).matches("[a-z][a-z2-7]{24}");
      seen.add(id);
    }
    assertThat(seen).hasSize(1000);
    assertThat(ids.newDeviceCode()).matches("[a-z][a-z2-7]{50}");
  }

  @Test
  void userCodeUsesDexAlphabet() {
    IdGenerator ids = new IdGenerator(new SecureRandom());
    for (int i = 0; i < 200; i++) {
      assertThat(ids.newUserCode()).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
    }
  }
}
