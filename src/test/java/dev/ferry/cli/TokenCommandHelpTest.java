package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.MutableClock;
import dev.ferry.workload.Workplace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code ferry token} prints about itself: {@code --version} and {@code --help}. */
class TokenCommandHelpTest {
  record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new Workplace(Map.of(), new MutableClock(Instant.parse("2025-01-01T00:00:00Z"))),
            args);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void versionPrintsWhatFerrysVersionPrints() {
    String ferrys = run("--version").out();
    assertThat(ferrys).startsWith("ferry ");

    for (String flag : new String[] {"-V", "--version"}) {
      Result result = run("token", flag);

      assertThat(result.status()).isZero();
      assertThat(result.out()).isEqualTo(ferrys);
      assertThat(result.err()).isEmpty();
    }
  }
}
