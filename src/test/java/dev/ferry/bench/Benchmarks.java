package dev.ferry.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs Ferry's JMH benchmarks with short defaults for a small machine: 1 fork, 3 warm-up and 5
 * measured iterations of 2 s each, 1 thread. Any JMH command-line option overrides them, e.g.
 * {@code Benchmarks Signing -p algorithm=RS256 -rff results.json}; with no benchmark regex every
 * {@code dev.ferry.bench.*Benchmark} runs. Started by {@code bench/jmh.sh}.
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws RunnerException {
    CommandLineOptions given;
    try {
      given = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("benchmarks: " + e.getMessage());
      System.exit(2);
      return;
    }
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .parent(given)
            .forks(given.getForkCount().orElse(1))
            .warmupIterations(given.getWarmupIterations().orElse(3))
            .warmupTime(given.getWarmupTime().orElse(TimeValue.seconds(2)))
            .measurementIterations(given.getMeasurementIterations().orElse(5))
            .measurementTime(given.getMeasurementTime().orElse(TimeValue.seconds(2)))
            .threads(given.getThreads().orElse(1));
    if (given.getIncludes().isEmpty()) {
      options.include("dev\\.ferry\\.bench\\..*Benchmark");
    }
    Runner runner = new Runner(options.build());
    if (given.shouldList()) {
      runner.list();
    } else {
      runner.run();
    }
  }
}
