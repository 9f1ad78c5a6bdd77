package dev.ferry.workload;

import java.util.function.Consumer;

/** The token sources {@code --from} names. */
public final class Sources {
  /** {@code --from auto}: the platform is picked from its environment variables. */
  public static final String AUTO = "auto";

  private Sources() {}

  /**
   * The source {@code from} names: {@code github-actions}, {@code gitlab}, {@code kubernetes},
   * {@code buildkite}, {@code circleci}, {@code file:PATH}, {@code env:NAME} or {@code auto}, which
   * tells {@code notice} which platform it picked and why.
   */
  @SuppressWarnings("DoNotCallSuggester") // skeleton, filled in by its branch
  public static TokenSource resolve(
      String from, SourceOptions options, Workplace place, Consumer<String> notice)
      throws WorkloadException {
    throw new WorkloadException(Failure.USAGE, "--from is not built yet: " + from);
  }
}
