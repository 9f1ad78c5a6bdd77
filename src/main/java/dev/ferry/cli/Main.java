package dev.ferry.cli;

import dev.ferry.server.Version;
import dev.ferry.workload.Failure;
import dev.ferry.workload.Workplace;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ferry}: the command line, shaped like Dex's ({@code serve}, {@code version}). */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "A Dex-compatible OpenID Connect provider built for machine authentication.")
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.@org.jspecify.annotations.Nullable CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line on the standard streams and returns the exit status. */
  public static int run(String... args) {
    return run(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  /** Runs the command line with the given streams and returns the exit status (for tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, Workplace.system(), args);
  }

  /**
   * Runs the command line with the given streams, environment and clock (what {@code ferry token}
   * reads) and returns the exit status.
   */
  public static int run(PrintWriter out, PrintWriter err, Workplace place, String... args) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            if (type == TokenCommand.class) {
              return type.cast(new TokenCommand(place));
            }
            return CommandLine.defaultFactory().create(type);
          }
        };
    CommandLine commandLine = new CommandLine(new Main(), factory);
    if (args.length > 0 && "token".equals(args[0])) {
      // kubectl runs ferry token on every command: picocli builds the model of every subcommand
      // it is given, and the others' load the server, the config, Jackson and CEL (hundreds of
      // milliseconds), so ferry token gets only its own.
      commandLine.addSubcommand(TokenCommand.class);
    } else {
      // In the order ferry --help lists them.
      for (Class<?> subcommand :
          List.of(
              ServeCommand.class,
              ConfigCommand.class,
              PolicyCommand.class,
              TokenCommand.class,
              VersionCommand.class)) {
        commandLine.addSubcommand(subcommand);
      }
    }
    commandLine.setOut(out).setErr(err);
    CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
    commandLine.setParameterExceptionHandler((error, arguments) -> {
      CommandLine failed = error.getCommandLine();
      if (!"token".equals(failed.getCommandName())) {
        return usage.handleParseException(error, arguments);
      }
      // ferry token runs inside CI steps and kubectl: one line says what is wrong.
      failed
          .getErr()
          .println("error: " + error.getMessage() + " (ferry token --help lists the flags)");
      failed.getErr().flush();
      return Failure.USAGE.exitStatus();
    });
    commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
      // Bad input never ends in a stack trace: one line naming the problem.
      cmd.getErr().println("ferry: " + error.getMessage());
      return 1;
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /** The version for {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ferry " + Version.current()};
    }
  }
}
