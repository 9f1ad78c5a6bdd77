package dev.ferry.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectCodecTest {

  /** Worked vectors (the first is Dex's server/tokens/claims_test.go TestGenSubject). */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "foo | bar | CgNmb28SA2Jhcg",
        "2342749 | github | CgcyMzQyNzQ5EgZnaXRodWI",
        "0-385-28089-0 | mock | Cg0wLTM4NS0yODA4OS0wEgRtb2Nr",
        "0-385-28089-0 | local | Cg0wLTM4NS0yODA4OS0wEgVsb2NhbA",
        "test | '' | CgR0ZXN0",
        "system:serviceaccount:default:my-sa | kubernetes |"
            + " CiNzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpteS1zYRIKa3ViZXJuZXRlcw",
        "repo:octo-org/octo-repo:ref:refs/heads/main | github-actions |"
            + " CityZXBvOm9jdG8tb3JnL29jdG8tcmVwbzpyZWY6cmVmcy9oZWFkcy9tYWluEg5naXRodWItYWN0aW9ucw",
      })
  void encodesDexVectors(String userId, String connectorId, String expected) {
    assertThat(SubjectCodec.encode(userId, connectorId)).isEqualTo(expected);
  }

  @Test
  void longValuesUseMultiByteVarintLengths() {
    String userId = "u".repeat(300);
    String sub = SubjectCodec.encode(userId, "c");
    byte[] raw = java.util.Base64.getUrlDecoder().decode(sub);
    // 300 = 0b1_0010_1100 -> varint bytes 0xAC 0x02
    assertThat(raw[0]).isEqualTo((byte) 0x0A);
    assertThat(raw[1]).isEqualTo((byte) 0xAC);
    assertThat(raw[2]).isEqualTo((byte) 0x02);
    assertThat(raw).hasSize(3 + 300 + 3);
  }

  @Test
  void rejectsInvalidUnicodeAsGoProtoDoes() {
    assertThatThrownBy(() -> SubjectCodec.encode("bad\uD800", "c"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noPaddingAndUrlSafeAlphabet() {
    assertThat(SubjectCodec.encode("??>>", "")).doesNotContain("=", "+", "/");
  }
}
