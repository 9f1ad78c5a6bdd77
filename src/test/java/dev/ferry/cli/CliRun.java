package dev.ferry.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.LoggerFactory;

/** Runs Ferry's command line in process, as an operator would, and captures what it prints. */
final class CliRun {
  private CliRun() {}

  /** The exit status and everything printed to standard output and standard error. */
  record Result(int status, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(status, out.toString(), err.toString());
  }

  /**
   * {@code serve} and {@code policy explain} configure logging for the whole process; a test class
   * that runs them calls this afterwards so that later test classes get the test logging back.
   */
  static void restoreTestLogging() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }
}
