package dev.ferry.workload;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The flags that tune a token source.
 *
 * @param upstreamAudience {@code --upstream-audience}: the audience asked of GitHub Actions and
 *     Buildkite
 * @param tokenEnv {@code --token-env}: the variable GitLab's {@code id_tokens} fills (default
 *     {@code FERRY_ID_TOKEN})
 * @param tokenFile {@code --token-file}: the projected service-account token (default {@code
 *     /var/run/secrets/kubernetes.io/serviceaccount/token})
 */
public record SourceOptions(
    @Nullable String upstreamAudience, @Nullable String tokenEnv, @Nullable Path tokenFile) {}
