package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.Problem;
import dev.ferry.server.ConfigChecks;
import dev.ferry.server.ConnectorSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry config check CONFIG}: every problem of a configuration file, at once. */
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
          "Validate a configuration file: print every problem and exit 1 if there is any.")
  static final class Check implements Callable<Integer> {
    @Spec @org.jspecify.annotations.Nullable CommandSpec spec;

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
      try {
        FerryConfig config =
            new ConfigLoader(System.getenv(), ConnectorSetup.knownTypes()).load(path);
        problems.addAll(ConfigChecks.deepProblems(config));
      } catch (ConfigException e) {
        for (Problem problem : e.problems()) {
          problems.add(problem.toString());
        }
      }
      if (problems.isEmpty()) {
        out.println(path + ": configuration is valid");
        out.flush();
        return 0;
      }
      for (String problem : problems) {
        err.println(path + ": " + problem);
      }
      err.println(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " found");
      err.flush();
      return 1;
    }
  }
}
