package dev.ferry.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dex's refresh token value (Dex: server/internal/codec.go, types.proto RefreshToken), and the
 * values Go's decoders accept or refuse. The vectors were computed independently of this codec.
 */
class RefreshTokenCodecTest {

  private static String b64(String hex) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex));
  }

  @Test
  void encodesAsDexMarshalsRefreshTokenProtos() {
    // Dex's server tests: internal.Marshal(&RefreshToken{RefreshId: "test", Token: "bar"}).
    assertThat(RefreshTokenCodec.encode("test", "bar")).isEqualTo("CgR0ZXN0EgNiYXI");
    assertThat(RefreshTokenCodec.encode("rt-1", "tok")).isEqualTo("CgRydC0xEgN0b2s");
    // proto3 omits empty strings.
    assertThat(RefreshTokenCodec.encode("test", "")).isEqualTo("CgR0ZXN0");
    assertThat(RefreshTokenCodec.encode("", "")).isEmpty();
  }

  @Test
  void decodesWhatItEncodes() {
    String id = "a".repeat(25);
    String token = "b".repeat(200); // a length that needs a two-byte varint
    assertThat(RefreshTokenCodec.decode(RefreshTokenCodec.encode(id, token)))
        .contains(new RefreshTokenCodec.Value(id, token));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // A raw Dex ID (25 characters) is not a valid unpadded base64 length.
        "raw legacy id|abcdefghijklmnopqrstuvwxy",
        "padding is refused|CgR0ZXN0EgNiYXI=",
        "standard alphabet is refused|CgR0ZXN0EgNiYXI+",
        "truncated string|CgR0ZXN0EgNiYQ",
        "field number zero|AgR0ZXN0",
        "wire type 6|DgR0ZXN0",
        "end group without a start|DA",
        "start group never ended|Cw",
        "invalid UTF-8 in refresh_id|CgL_fg",
        "varint longer than ten bytes|CP____________8B",
      })
  void valuesGoRefusesDoNotDecode(String name, String value) {
    assertThat(RefreshTokenCodec.decode(value)).isEmpty();
  }

  @Test
  void decodesAsGoDecodes() {
    // Line breaks are skipped by Go's base64 decoder.
    assertThat(RefreshTokenCodec.decode("CgR0Z\r\nXN0EgNiYXI"))
        .contains(new RefreshTokenCodec.Value("test", "bar"));
    // Unknown fields are skipped: field 3 varint, field 4 fixed64, field 5 bytes, field 6 fixed32.
    assertThat(
            RefreshTokenCodec.decode(
                b64(
                    "0a0474657374"
                        + "1801"
                        + "210102030405060708"
                        + "2a00"
                        + "3501020304"
                        + "1203626172")))
        .contains(new RefreshTokenCodec.Value("test", "bar"));
    // A field 1 of the wrong wire type is an unknown field to Go, not an error.
    assertThat(RefreshTokenCodec.decode(b64("0805" + "1203626172")))
        .contains(new RefreshTokenCodec.Value("", "bar"));
    // A group is skipped whole, including a field 1 inside it.
    assertThat(RefreshTokenCodec.decode(b64("3b" + "0a0178" + "3c" + "0a0474657374")))
        .contains(new RefreshTokenCodec.Value("test", ""));
    // The last occurrence of a field wins.
    assertThat(RefreshTokenCodec.decode(b64("0a0178" + "0a0474657374")))
        .contains(new RefreshTokenCodec.Value("test", ""));
    // Unused trailing bits are not checked (Go's non-strict decoding): the last character of
    // "CgR0ZXN0EgNiYXI" carries two unused bits, set here.
    assertThat(RefreshTokenCodec.decode("CgR0ZXN0EgNiYXJ"))
        .contains(new RefreshTokenCodec.Value("test", "bar"));
    assertThat(RefreshTokenCodec.decode(""))
        .isEqualTo(Optional.of(new RefreshTokenCodec.Value("", "")));
  }
}
