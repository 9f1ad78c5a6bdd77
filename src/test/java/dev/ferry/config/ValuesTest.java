package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.http.ListenAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Small value parsers: slog levels, ParseBool, listen addresses, CIDRs, bcrypt hashes. */
class ValuesTest {
  private static final String HASH = "$2a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "debug, -4, DEBUG",
    "DEBUG, -4, DEBUG",
    "info, 0, INFO",
    "Info, 0, INFO",
    "warn, 4, WARN",
    "error, 8, ERROR",
    "info+2, 2, INFO",
    "info+4, 4, WARN",
    "ERROR-1, 7, WARN",
    "debug-2, -6, TRACE",
    "error+10, 18, ERROR"
  })
  void parsesSlogLevels(String text, int value, org.slf4j.event.Level slf4j) {
    LogLevel level = LogLevel.parse(text);

    assertThat(level.value()).isEqualTo(value);
    assertThat(level.slf4j()).isEqualTo(slf4j);
  }

  @ParameterizedTest
  @ValueSource(strings = {"trace", "fatal", "+2", "info+x", "warning"})
  void rejectsUnknownLevels(String text) {
    assertThatThrownBy(() -> LogLevel.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("slog: level string \"" + text + "\"");
  }

  @ParameterizedTest
  @CsvSource({"'', TEXT", "text, TEXT", "TEXT, TEXT", "json, JSON", "Json, JSON"})
  void parsesLogFormats(String text, LogFormat expected) {
    assertThat(LogFormat.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "1, true", "t, true", "T, true", "TRUE, true", "true, true", "True, true",
    "0, false", "f, false", "F, false", "FALSE, false", "false, false", "False, false"
  })
  void parseBoolAcceptsGosSpellings(String text, boolean expected) {
    assertThat(GoBool.parse(text)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "yes", "no", "on", "tRUE", "2", " true"})
  void parseBoolRejectsEverythingElse(String text) {
    assertThat(GoBool.parse(text)).isEqualTo(Optional.empty());
  }

  @Test
  void featureFlagsHaveDexsDefaults() {
    assertThat(FeatureFlags.fromEnv(Map.of()))
        .isEqualTo(new FeatureFlags(true, false, false, true, false, false, false, false));
    assertThat(
            FeatureFlags.fromEnv(
                Map.of(
                    "DEX_EXPAND_ENV", "false",
                    "DEX_CONTINUE_ON_CONNECTOR_FAILURE", "0",
                    "DEX_SESSIONS_ENABLED", "T",
                    "DEX_ENT_ENABLED", "nope")))
        .isEqualTo(new FeatureFlags(false, false, false, false, false, false, true, false));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "127.0.0.1:5556, 127.0.0.1, 5556",
    ":5556, '', 5556",
    "0.0.0.0:0, 0.0.0.0, 0",
    "localhost:65535, localhost, 65535",
    "'[::1]:5556', ::1, 5556"
  })
  void parsesListenAddresses(String text, String host, int port) {
    assertThat(ListenAddress.parse(text)).isEqualTo(new ListenAddress(host, port));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "127.0.0.1:", "127.0.0.1:http", ":65536", "::1:5556", ":-1"})
  void rejectsBadListenAddresses(String text) {
    assertThatThrownBy(() -> ListenAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid listen address \"" + text + "\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.0/8",
        "192.168.1.1",
        "192.168.1.1/32",
        "0.0.0.0/0",
        "::1",
        "fd00::/8",
        "::/0",
        "2001:db8::1/128",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:7:8"
      })
  void acceptsCidrsAndAddresses(String text) {
    assertThat(IpPrefix.isValid(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "10.0.0.0/33",
        "10.0.0/8",
        "256.0.0.1",
        "010.0.0.1",
        "10.0.0.1/",
        "::1/129",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "example.com",
        "10.0.0.1/x",
        "gggg::1"
      })
  void rejectsWhatIsNotACidrOrAddress(String text) {
    assertThat(IpPrefix.isValid(text)).isFalse();
  }

  @Test
  void bcryptHashesAreKeptOrDecodedFromBase64() {
    String base64 = Base64.getEncoder().encodeToString(HASH.getBytes(StandardCharsets.US_ASCII));

    assertThat(Bcrypt.decode(HASH)).isEqualTo(HASH);
    assertThat(Bcrypt.decode(base64)).isEqualTo(HASH);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "short => crypto/bcrypt: hashedSecret too short to be a bcrypted password",
        "x2a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"
            + " => crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started"
            + " with 'x'",
        "$3a$10$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"
            + " => crypto/bcrypt: bcrypt algorithm version '3' requested is newer than current"
            + " version '2'",
        "$2a$99$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"
            + " => crypto/bcrypt: cost 99 is outside allowed inclusive range 4..31",
        "$2a$xx$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"
            + " => strconv.Atoi: parsing \"xx\": invalid syntax"
      })
  void malformedBcryptHashesNameTheReason(String hash, String reason) {
    assertThatThrownBy(() -> Bcrypt.decode(hash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("malformed bcrypt hash: " + reason);
  }

  @Test
  void base64OfSomethingElseReportsTheDecodedReason() {
    String base64 =
        Base64.getEncoder().encodeToString("not a hash".getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> Bcrypt.decode(base64))
        .hasMessage(
            "malformed bcrypt hash: crypto/bcrypt: hashedSecret too short to be a bcrypted"
                + " password");
  }
}
