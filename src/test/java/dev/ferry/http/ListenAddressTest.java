package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cases where the config check's parser and the listener's parser used to disagree, decided by
 * Go's {@code net.SplitHostPort} (Go: net/ipsock.go) and the decimal-port rule.
 */
class ListenAddressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "127.0.0.1:5556, 127.0.0.1, 5556",
    ":5556, '', 5556",
    "'[::1]:5556', ::1, 5556",
    "'[::]:0', ::, 0",
    // Go strips brackets from any host, not only an IPv6 one.
    "'[localhost]:80', localhost, 80",
    "'[fe80::1%eth0]:443', fe80::1%eth0, 443",
    "'[]:80', '', 80"
  })
  void parsesWhatGoSplits(String text, String host, int port) {
    assertThat(ListenAddress.parse(text)).isEqualTo(new ListenAddress(host, port));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // The listener's old parser bound these; Go's SplitHostPort says "too many colons".
        "::1:5556 | an IPv6 host needs brackets",
        "fe80::1:443 | an IPv6 host needs brackets",
        // Integer.parseInt took a sign; a configured port is plain decimal digits.
        "127.0.0.1:+80 | port must be a number",
        "127.0.0.1:-0 | port must be a number",
        // The config check's old parser took these hosts; Go: "missing port" / "unexpected '['".
        "[::1]x:80 | expected [host]:port",
        "'[::1]' | expected [host]:port",
        "a[b:80 | unexpected bracket in the host",
        "a]b:80 | unexpected bracket in the host",
        "[a[b]:80 | unexpected bracket in the host",
        // Go's net.Listen would pick a free port or look up a service; a config names the port.
        "127.0.0.1: | port must be a number",
        ":http | port must be a number",
        ":65536 | port must be at most 65535",
        "localhost | missing port"
      })
  void refusesWithTheReason(String text, String reason) {
    assertThatThrownBy(() -> ListenAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid listen address \"" + text + "\": ")
        .hasMessageContaining(reason);
  }
}
