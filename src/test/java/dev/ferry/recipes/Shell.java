package dev.ferry.recipes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Runs a recipe's shell in a process with exactly the environment a platform would give it. */
final class Shell {
  /** Longer than any recipe step takes here (a ferry JVM starts in about a second). */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Shell() {}

  /** What a step printed and how it ended. */
  record Result(int status, String out, String err) {
    boolean succeeded() {
      return status == 0;
    }
  }

  /** Runs {@code command} in {@code cwd} with {@code env} only (nothing of the test's own). */
  static Result run(List<String> command, Map<String, String> env, Path cwd) throws IOException {
    Path logs = Files.createDirectories(cwd.resolveSibling(cwd.getFileName() + "-logs"));
    String id = UUID.randomUUID().toString();
    Path out = logs.resolve(id + ".out");
    Path err = logs.resolve(id + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within " + TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException(e);
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
