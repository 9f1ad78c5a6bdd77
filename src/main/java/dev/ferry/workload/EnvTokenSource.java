package dev.ferry.workload;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A token the platform puts in an environment variable: GitLab's {@code id_tokens}, CircleCI's
 * {@code CIRCLE_OIDC_TOKEN_V2}, or any {@code env:NAME}.
 */
final class EnvTokenSource implements TokenSource {
  private final String name;
  private final String variable;
  private final String whenMissing;
  private final Map<String, String> env;
  private final Clock clock;

  /**
   * @param whenMissing what follows "NAME is not set: " when the variable is absent or empty: the
   *     platform setting that provides it
   */
  EnvTokenSource(String name, String variable, String whenMissing, Workplace place) {
    this.name = name;
    this.variable = variable;
    this.whenMissing = whenMissing;
    this.env = place.env();
    this.clock = place.clock();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String cacheIdentity() throws WorkloadException {
    return TokenCache.key(List.of(value().strip()));
  }

  @Override
  public UpstreamToken fetch() throws WorkloadException {
    return UnverifiedJwt.check(value(), name + " (" + Text.typed(variable) + ")", clock);
  }

  private String value() throws WorkloadException {
    @Nullable String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, Text.typed(variable) + " is not set: " + whenMissing);
    }
    return value;
  }
}
