package dev.ferry.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A config file that cannot be used, with every problem found in it.
 *
 * <p>For an invalid file the message follows Dex's {@code invalid Config:} list, one problem per
 * line, each naming the file and the key. A file that cannot be read or is not YAML gives a single
 * problem and a one-line message naming the file.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final transient List<Problem> problems;

  private ConfigException(Path file, List<Problem> problems, String message) {
    super(message);
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  /** The file could not be read or parsed at all (Dex: "failed to read config file"). */
  static ConfigException unreadable(Path file, String reason) {
    return new ConfigException(
        file,
        List.of(new Problem("", reason)),
        "failed to read config file " + file + ": " + reason);
  }

  /** The file parsed but has problems (Dex: "invalid Config:"). */
  static ConfigException invalid(Path file, List<Problem> problems) {
    String lines =
        problems.stream().map(p -> file + ": " + p).collect(Collectors.joining("\n\t-\t"));
    return new ConfigException(file, problems, "invalid Config:\n\t-\t" + lines);
  }

  /** The config file this is about. */
  public Path file() {
    return file;
  }

  /** Every problem: those found while reading values first, then Dex's validation checks. */
  public List<Problem> problems() {
    return problems;
  }
}
