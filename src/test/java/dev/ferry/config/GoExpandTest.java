package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's os.Expand: the table follows Go's own os package tests (TestExpand). */
class GoExpandTest {
  private static final Map<String, String> ENV =
      Map.of(
          "*", "all the args",
          "#", "NARGS",
          "$", "PID",
          "1", "ARGUMENT1",
          "HOME", "/usr/gopher",
          "H", "(Value of H)",
          "home_1", "/usr/foo",
          "A-B", "dash");

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '\'',
      value = {
        "'' => ''",
        "$* => all the args",
        "$$ => PID",
        "${*} => all the args",
        "$1 => ARGUMENT1",
        "${1} => ARGUMENT1",
        "now is the time => now is the time",
        "$HOME => /usr/gopher",
        "$home_1 => /usr/foo",
        "${HOME} => /usr/gopher",
        "${H}OME => (Value of H)OME",
        "$HOME/bin => /usr/gopher/bin",
        "A$$$#$1$H$home_1*B => APIDNARGSARGUMENT1(Value of H)/usr/foo*B",
        "start$+middle$^end$ => start$+middle$^end$",
        "mixed$|bag$$$ => mixed$|bagPID$",
        "$ => $",
        "$} => $}",
        "${ => ''",
        "${} => ''",
        "${HOME => HOME",
        "x${}y => xy",
        "${A-B} => dash",
        "$UNSET => ''",
        "pre-${UNSET}-post => pre--post",
        "p@ss$ => p@ss$",
        "$é => $é",
      })
  void expandsLikeGo(String input, String expected) {
    assertThat(GoExpand.expand(input, ENV)).isEqualTo(expected);
  }
}
