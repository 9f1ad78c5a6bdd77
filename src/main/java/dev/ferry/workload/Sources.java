package dev.ferry.workload;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The token sources {@code --from} names. */
public final class Sources {
  /** {@code --from auto}: the platform is picked from its environment variables. */
  public static final String AUTO = "auto";

  /** GitLab's {@code id_tokens} variable when {@code --token-env} does not name another. */
  static final String DEFAULT_TOKEN_ENV = "FERRY_ID_TOKEN";

  /** Where the kubelet mounts the default service-account token. */
  static final Path DEFAULT_TOKEN_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  static final String CIRCLECI_VARIABLE = "CIRCLE_OIDC_TOKEN_V2";

  /** The runner endpoint and the Buildkite agent answer in well under this, or not at all. */
  static final Duration PLATFORM_TIMEOUT = Duration.ofSeconds(30);

  private static final String PLATFORMS =
      "github-actions, gitlab, kubernetes, buildkite, circleci, file:PATH";
  private static final String VALID = PLATFORMS + ", env:NAME or auto";

  private Sources() {}

  /** A timeout for a message: whole seconds, or milliseconds when shorter than one. */
  static String describe(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }

  /**
   * The source {@code from} names: {@code github-actions}, {@code gitlab}, {@code kubernetes},
   * {@code buildkite}, {@code circleci}, {@code file:PATH}, {@code env:NAME} or {@code auto}, which
   * tells {@code notice} which platform it picked and why.
   */
  public static TokenSource resolve(
      String from, SourceOptions options, Workplace place, Consumer<String> notice)
      throws WorkloadException {
    return resolve(from, options, place, notice, PLATFORM_TIMEOUT);
  }

  static TokenSource resolve(
      String from,
      SourceOptions options,
      Workplace place,
      Consumer<String> notice,
      Duration timeout)
      throws WorkloadException {
    String name = from;
    if (AUTO.equals(from)) {
      Detected detected = detect(place);
      notice.accept("--from auto: using " + detected.name() + " (" + detected.because() + ")");
      name = detected.name();
    }
    return switch (name) {
      case GithubActionsSource.NAME ->
          new GithubActionsSource(place, options.upstreamAudience(), timeout);
      case "gitlab" -> gitlab(options, place);
      case "kubernetes" -> kubernetes(options, place);
      case BuildkiteSource.NAME -> new BuildkiteSource(place, options.upstreamAudience(), timeout);
      case "circleci" ->
          new EnvTokenSource(
              "circleci", CIRCLECI_VARIABLE, "CircleCI sets it in jobs that use a context", place);
      default -> local(from, name, place);
    };
  }

  private static TokenSource gitlab(SourceOptions options, Workplace place) {
    String variable = options.tokenEnv() == null ? DEFAULT_TOKEN_ENV : options.tokenEnv();
    return new EnvTokenSource(
        "gitlab",
        variable,
        "declare it under the job's `id_tokens:` with `aud:` (id_tokens: "
            + Text.typed(variable)
            + ": aud: ...)"
            + (options.tokenEnv() == null ? ", or name another variable with --token-env" : ""),
        place);
  }

  private static TokenSource kubernetes(SourceOptions options, Workplace place) {
    Path file = options.tokenFile() == null ? DEFAULT_TOKEN_FILE : options.tokenFile();
    return new FileTokenSource(
        "kubernetes",
        file,
        "mount a projected `serviceAccountToken` volume with an `audience` there"
            + (options.tokenFile() == null ? ", or point --token-file at one" : ""),
        place);
  }

  private static TokenSource local(String from, String name, Workplace place)
      throws WorkloadException {
    if (name.startsWith("file:")) {
      String path = name.substring("file:".length());
      if (!path.isEmpty()) {
        try {
          return new FileTokenSource(
              "file", Path.of(path), "check the path given with --from " + Text.typed(from), place);
        } catch (InvalidPathException e) {
          throw new WorkloadException(
              Failure.USAGE, "--from " + Text.typed(from) + ": not a file path");
        }
      }
    } else if (name.startsWith("env:")) {
      String variable = name.substring("env:".length());
      if (!variable.isEmpty()) {
        return new EnvTokenSource(
            "env", variable, "--from " + Text.typed(from) + " reads the token from it", place);
      }
    }
    throw new WorkloadException(
        Failure.USAGE, "--from " + Text.typed(from) + " is not one of " + VALID);
  }

  private record Detected(String name, String because) {}

  /** The first platform whose own marker variable is set; CI runners come before the cluster. */
  private static Detected detect(Workplace place) throws WorkloadException {
    if (isTrue(place, "GITHUB_ACTIONS")) {
      return new Detected(GithubActionsSource.NAME, "GITHUB_ACTIONS=true");
    }
    if (isTrue(place, "GITLAB_CI")) {
      return new Detected("gitlab", "GITLAB_CI=true");
    }
    if (isTrue(place, "BUILDKITE")) {
      return new Detected(BuildkiteSource.NAME, "BUILDKITE=true");
    }
    if (isTrue(place, "CIRCLECI")) {
      return new Detected("circleci", "CIRCLECI=true");
    }
    @Nullable String host = place.env().get("KUBERNETES_SERVICE_HOST");
    if (host != null && !host.isEmpty()) {
      return new Detected("kubernetes", "KUBERNETES_SERVICE_HOST is set");
    }
    throw new WorkloadException(
        Failure.USAGE,
        "--from auto could not tell the platform (none of GITHUB_ACTIONS, GITLAB_CI, BUILDKITE,"
            + " CIRCLECI is true, KUBERNETES_SERVICE_HOST is not set): pass --from with one of "
            + PLATFORMS
            + " or env:NAME");
  }

  private static boolean isTrue(Workplace place, String variable) {
    return "true".equals(place.env().get(variable));
  }
}
