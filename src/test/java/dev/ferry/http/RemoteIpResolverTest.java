package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dex router.ParseRealIP cases. */
class RemoteIpResolverTest {
  private final RemoteIpResolver resolver =
      new RemoteIpResolver("X-Forwarded-For", List.of("10.0.0.0/8", "fd00::/8", "192.0.2.1"));

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.5|203.0.113.7|203.0.113.7",
        "10.0.0.5|198.51.100.1, 203.0.113.7, 10.9.9.9|203.0.113.7",
        "10.0.0.5|10.1.1.1, 10.2.2.2|10.0.0.5",
        "10.0.0.5|not-an-ip, 10.2.2.2|10.0.0.5",
        "10.0.0.5|203.0.113.7, garbage|10.0.0.5",
        "10.0.0.5||10.0.0.5",
        "192.0.2.1|203.0.113.9|203.0.113.9",
        "192.0.2.2|203.0.113.9|192.0.2.2",
        "203.0.113.50|1.2.3.4|203.0.113.50",
        "fd00::1|2001:db8::7|2001:db8:0:0:0:0:0:7",
        "localhost|1.2.3.4|localhost",
      })
  void walksHopsFromTheRight(String peer, String header, String expected) {
    assertThat(resolver.resolve(peer, Optional.ofNullable(header))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "example.com/8", "10.0.0.0/x", "", "::/129"})
  void badCidrsAreRejected(String cidr) {
    assertThatThrownBy(() -> new RemoteIpResolver("X", List.of(cidr)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "1.2.3", "::zz", "1.2.3.4.5"})
  void onlyLiteralsAreParsedNeverHostNames(String text) {
    assertThat(RemoteIpResolver.parseLiteral(text)).isEmpty();
  }
}
