package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.Problem;
import dev.ferry.config.TrustChecks;
import dev.ferry.server.ConfigChecks;
import dev.ferry.server.ConnectorSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry config check [--strict] CONFIG}: every problem of a configuration file, at once, and
 * every warning.
 */
@Command(
    name = "config",
    description = "Work with configuration files.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand implements Runnable {
  @Spec @org.jspecify.annotations.Nullable CommandSpec spec;

  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  @Command(
      name = "check",
      description =
          "Validate a configuration file: print every problem and every warning, and exit 1 if"
              + " there is any problem (or, with --strict, any warning).")
  static final class Check implements Callable<Integer> {
    @Spec @org.jspecify.annotations.Nullable CommandSpec spec;

    @Option(
        names = "--strict",
        description = "Fail (exit 1) on warnings too, such as a shared issuer without trust rules.")
    boolean strict;

    /** The policy package's checks; tests give their own to exercise the reporting. */
    TrustChecks trustChecks = TrustChecks.policy();

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Dex/Ferry YAML config file")
    @org.jspecify.annotations.Nullable
    Path file;

    @Override
    public Integer call() {
      PrintWriter out =
          spec == null
              ? new PrintWriter(System.out, false, System.out.charset())
              : spec.commandLine().getOut();
      PrintWriter err =
          spec == null
              ? new PrintWriter(System.err, false, System.err.charset())
              : spec.commandLine().getErr();
      Path path = java.util.Objects.requireNonNull(file);
      List<String> problems = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      try {
        FerryConfig config =
            new ConfigLoader(System.getenv(), ConnectorSetup.knownTypes(), trustChecks).load(path);
        problems.addAll(ConfigChecks.deepProblems(config));
        warnings.addAll(config.warnings());
      } catch (ConfigException e) {
        for (Problem problem : e.problems()) {
          problems.add(problem.toString());
        }
      }
      for (String warning : warnings) {
        err.println(path + ": warning: " + warning);
      }
      for (String problem : problems) {
        err.println(path + ": " + problem);
      }
      boolean failed = !problems.isEmpty() || (strict && !warnings.isEmpty());
      if (!problems.isEmpty()) {
        err.println(count(problems.size(), "problem") + " found");
      }
      if (strict && !warnings.isEmpty()) {
        err.println(count(warnings.size(), "warning") + " found (--strict)");
      }
      err.flush();
      if (failed) {
        return 1;
      }
      // Warnings alone leave the file valid: Ferry serves it, as Dex would.
      out.println(path + ": configuration is valid");
      out.flush();
      return 0;
    }

    private static String count(int n, String noun) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }
  }
}
