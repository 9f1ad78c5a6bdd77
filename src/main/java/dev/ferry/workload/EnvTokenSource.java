package dev.ferry.workload;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A token the platform puts in an environment variable: GitLab's {@code id_tokens}, CircleCI's
 * {@code CIRCLE_OIDC_TOKEN_V2}, or any {@code env:NAME}.
 */
final class EnvTokenSource extends LocalTokenSource {
  private final String variable;
  private final String whenMissing;
  private final Map<String, String> env;

  /**
   * @param whenMissing what follows "NAME is not set: " when the variable is absent or empty: the
   *     platform setting that provides it
   */
  EnvTokenSource(String name, String variable, String whenMissing, Workplace place) {
    super(name, place);
    this.variable = variable;
    this.whenMissing = whenMissing;
    this.env = place.env();
  }

  @Override
  String where() {
    return Text.typed(variable);
  }

  @Override
  String read() throws WorkloadException {
    @Nullable String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, Text.typed(variable) + " is not set: " + whenMissing);
    }
    return value;
  }
}
