package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.server.RunningFerry;
import dev.ferry.testing.MutableClock;
import dev.ferry.workload.Workplace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the user typed comes back in an error line cleaned and bounded: an escape sequence or a line
 * break in a flag must not reach the terminal, and a 100 kB flag is not a 100 kB line.
 */
class TokenCommandInputEchoTest {
  private static final String ESCAPE = "\u001b[31m";
  private static final String LONG = "a".repeat(100_000);

  @TempDir Path home;

  record Result(int status, String out, String err) {}

  private Result token(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "token";
    System.arraycopy(args, 0, all, 1, args.length);
    int status =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new Workplace(
                Map.of("HOME", home.toString(), "XDG_CACHE_HOME", home.toString(), "S", "secret"),
                new MutableClock(Instant.parse("2025-01-01T00:00:00Z"))),
            all);
    return new Result(status, out.toString(), err.toString());
  }

  /** One clean, bounded {@code error:} line with {@code status}, starting with {@code start}. */
  private static void assertOneCleanLine(Result result, int status, String start) {
    assertThat(result.status()).as(result.err()).isEqualTo(status);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("error: " + start).endsWith("\n").hasLineCount(1);
    assertThat(result.err().length()).isLessThan(1000);
    assertThat(result.err().chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
  }

  @Test
  void anIssuerWithAnEscapeIsShownWithout() {
    Result result =
        token(
            "--from",
            "env:T",
            "--issuer",
            "http://127.0.0.1:1/" + ESCAPE + "X\nerror: forged",
            "--client-id",
            "ci",
            "--connector",
            "ci");

    assertOneCleanLine(result, 2, "--issuer must be an http(s) URL");
    assertThat(result.err()).contains("[31mXerror: forged");
  }

  @Test
  void aLongIssuerIsCutInTheLine() throws Exception {
    String issuer = "http://127.0.0.1:" + RunningFerry.freePort() + "/" + LONG;
    Result result =
        token(
            "--grant",
            "client-credentials",
            "--client-secret-env",
            "S",
            "--issuer",
            issuer,
            "--client-id",
            "ci");

    assertOneCleanLine(result, 5, "cannot reach http://127.0.0.1:");
    assertThat(result.err()).contains("aaa...: ");
  }

  @Test
  void aFromWithAnEscapeOrOfGreatLengthIsShownCleanAndCut() {
    String[] flags = {
      "--issuer", "https://ferry.example.com", "--client-id", "ci", "--connector", "ci"
    };
    assertOneCleanLine(
        token(concat(new String[] {"--from", "bogus" + ESCAPE}, flags)), 2, "--from bogus[31m ");
    assertOneCleanLine(
        token(concat(new String[] {"--from", "file:/nonexistent/" + ESCAPE + LONG}, flags)),
        3,
        // The name is too long for the file system: not "no such file", but the path is shown.
        "cannot read the token file /nonexistent/[31maaa");
    assertOneCleanLine(token(concat(new String[] {"--from", "env:" + LONG}, flags)), 3, "aaaa");
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = new String[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
