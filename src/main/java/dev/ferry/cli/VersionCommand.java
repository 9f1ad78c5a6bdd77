package dev.ferry.cli;

import dev.ferry.server.Version;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry version}: the Ferry version and the Java runtime, as {@code dex version} prints. */
@Command(name = "version", description = "Print the version and exit.")
final class VersionCommand implements Callable<Integer> {
  @Spec @org.jspecify.annotations.Nullable CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out =
        spec == null
            ? new PrintWriter(System.out, true, System.out.charset())
            : spec.commandLine().getOut();
    out.println("Ferry Version: " + Version.current());
    out.println("Java Version: " + System.getProperty("java.version"));
    out.println(
        "Java OS/ARCH: " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    out.flush();
    return 0;
  }
}
