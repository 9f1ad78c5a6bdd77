package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.MutableClock;
import dev.ferry.workload.Workplace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code ferry token} prints about itself: {@code --version} and {@code --help}. */
class TokenCommandHelpTest {
  record Result(int status, String out, String err) {}

  private static Workplace place() {
    return new Workplace(Map.of(), new MutableClock(Instant.parse("2025-01-01T00:00:00Z")));
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), place(), args);
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

  @Test
  void noHelpLineIsWrappedByPicocli() {
    int width = new CommandLine(new TokenCommand(place())).getUsageHelpWidth();
    Result result = run("token", "--help");

    assertThat(result.status()).isZero();
    assertThat(result.out().lines()).allSatisfy(line -> assertThat(line).hasSizeLessThan(width));
    // A path or URL cut by picocli's wrapping ends its line in "." or ":" (kubernetes. | io/...).
    for (String word : result.out().split("\\s+")) {
      String value = word.replaceAll("^[(`]+", "");
      if (value.startsWith("/") || value.startsWith("https:") || value.startsWith("http:")) {
        assertThat(value).as(word).doesNotEndWith(".").doesNotEndWith(":");
      }
    }
  }

  @Test
  void everyExampleIsACommandToCopyAndPaste() {
    String help = run("token", "--help").out();
    List<String> footer =
        Arrays.asList(help.substring(help.indexOf("\nExamples:\n") + 11).split("\n"));
    List<List<String>> commands = new ArrayList<>();
    boolean continued = false;
    for (String line : footer) {
      assertThat(line).as("an example line").hasSizeLessThan(78);
      if (continued) {
        assertThat(line).as("a continuation").startsWith("      --");
        commands.getLast().add(line);
      } else if (line.startsWith("    ferry token ")) {
        commands.add(new ArrayList<>(List.of(line)));
      } else {
        assertThat(line).as("a heading").matches("  [A-Za-z].*:");
      }
      continued = line.endsWith(" \\");
    }
    assertThat(continued).as("the last line continues nowhere").isFalse();
    assertThat(commands).hasSizeGreaterThanOrEqualTo(7);
    for (List<String> lines : commands) {
      String command = String.join("\n", lines).replace(" \\\n", " ").strip();
      List<String> words = Arrays.asList(command.split(" +"));
      assertThat(words.subList(0, 2)).containsExactly("ferry", "token");
      String[] args = words.subList(2, words.size()).toArray(String[]::new);
      // Every flag exists and every value converts; --issuer and --client-id are given.
      new CommandLine(new TokenCommand(place())).parseArgs(args);
      assertThat(words).as(command).contains("--issuer", "--client-id");
      assertThat(words.get(words.indexOf("--issuer") + 1)).startsWith("https://");
      if (!words.contains("client-credentials")) {
        assertThat(words).as(command).contains("--connector");
      }
    }
  }
}
