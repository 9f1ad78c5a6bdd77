package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Go's time.ParseDuration: the table follows the cases of Go's own time package tests. */
class GoDurationTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", Duration.ZERO),
        Arguments.of("5s", Duration.ofSeconds(5)),
        Arguments.of("30s", Duration.ofSeconds(30)),
        Arguments.of("1478s", Duration.ofSeconds(1478)),
        Arguments.of("-5s", Duration.ofSeconds(-5)),
        Arguments.of("+5s", Duration.ofSeconds(5)),
        Arguments.of("-0", Duration.ZERO),
        Arguments.of("+0", Duration.ZERO),
        Arguments.of("5.0s", Duration.ofSeconds(5)),
        Arguments.of("5.6s", Duration.ofMillis(5600)),
        Arguments.of("5.s", Duration.ofSeconds(5)),
        Arguments.of(".5s", Duration.ofMillis(500)),
        Arguments.of("1.004s", Duration.ofMillis(1004)),
        Arguments.of("1.0040s", Duration.ofMillis(1004)),
        Arguments.of("100.00100s", Duration.ofMillis(100_001)),
        Arguments.of("10ns", Duration.ofNanos(10)),
        Arguments.of("11us", Duration.ofNanos(11_000)),
        Arguments.of("12\u00b5s", Duration.ofNanos(12_000)),
        Arguments.of("12\u03bcs", Duration.ofNanos(12_000)),
        Arguments.of("13ms", Duration.ofMillis(13)),
        Arguments.of("14s", Duration.ofSeconds(14)),
        Arguments.of("15m", Duration.ofMinutes(15)),
        Arguments.of("16h", Duration.ofHours(16)),
        Arguments.of("300ms", Duration.ofMillis(300)),
        Arguments.of("1.5h", Duration.ofMinutes(90)),
        Arguments.of("1h30m", Duration.ofMinutes(90)),
        Arguments.of("3h30m", Duration.ofMinutes(210)),
        Arguments.of("10.5s4m", Duration.ofMillis(4 * 60_000 + 10_500)),
        Arguments.of("-2m3.4s", Duration.ofMillis(-(2 * 60_000 + 3_400))),
        Arguments.of("1h2m3s4ms5us6ns", Duration.ofNanos(3_723_004_005_006L)),
        Arguments.of("39h9m14.425s", Duration.ofMillis(140_954_425)),
        Arguments.of("52763797000ns", Duration.ofNanos(52_763_797_000L)),
        Arguments.of("0.3333333333333333333h", Duration.ofMinutes(20)),
        Arguments.of("9007199254740993ns", Duration.ofNanos(9_007_199_254_740_993L)),
        Arguments.of("9223372036854775807ns", Duration.ofNanos(Long.MAX_VALUE)),
        Arguments.of("9223372036854775.807us", Duration.ofNanos(Long.MAX_VALUE)),
        Arguments.of("9223372036s854ms775us807ns", Duration.ofNanos(Long.MAX_VALUE)),
        Arguments.of("-9223372036854775808ns", Duration.ofNanos(Long.MIN_VALUE)),
        Arguments.of("-9223372036854775.808us", Duration.ofNanos(Long.MIN_VALUE)),
        Arguments.of("0.100000000000000000000h", Duration.ofMinutes(6)),
        Arguments.of(
            "0.830103483285477580700h", Duration.ofNanos(49 * 60_000_000_000L + 48_372_539_827L)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("valid")
  void parsesLikeGo(String text, Duration expected) {
    assertThat(GoDuration.parse(text)).isEqualTo(expected);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("", "time: invalid duration \"\""),
        Arguments.of("3", "time: missing unit in duration \"3\""),
        Arguments.of("-", "time: invalid duration \"-\""),
        Arguments.of("s", "time: invalid duration \"s\""),
        Arguments.of(".", "time: invalid duration \".\""),
        Arguments.of("-.", "time: invalid duration \"-.\""),
        Arguments.of(".s", "time: invalid duration \".s\""),
        Arguments.of("+.s", "time: invalid duration \"+.s\""),
        Arguments.of("1d", "time: unknown unit \"d\" in duration \"1d\""),
        Arguments.of("10 m", "time: unknown unit \" m\" in duration \"10 m\""),
        Arguments.of("1h 30m", "time: unknown unit \"h \" in duration \"1h 30m\""),
        Arguments.of("1H", "time: unknown unit \"H\" in duration \"1H\""),
        Arguments.of("abc", "time: invalid duration \"abc\""),
        Arguments.of("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""),
        Arguments.of("9223372036854775.808us", "time: invalid duration \"9223372036854775.808us\""),
        Arguments.of(
            "9223372036s854ms775us808ns", "time: invalid duration \"9223372036s854ms775us808ns\""),
        Arguments.of(
            "-9223372036854775809ns", "time: invalid duration \"-9223372036854775809ns\""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalid")
  void rejectsWithGosMessage(String text, String message) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
