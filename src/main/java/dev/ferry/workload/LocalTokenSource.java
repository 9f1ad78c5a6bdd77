package dev.ferry.workload;

import java.time.Clock;
import java.util.List;

/**
 * A token the workload already holds (a file or a variable): read without a network call, so the
 * token itself identifies the cache entry, and a rotated or replaced token is another entry.
 */
abstract sealed class LocalTokenSource implements TokenSource
    permits EnvTokenSource, FileTokenSource {
  private final String name;
  private final Clock clock;

  LocalTokenSource(String name, Workplace place) {
    this.name = name;
    this.clock = place.clock();
  }

  /** The token as held, before trimming; a missing or unreadable one is UPSTREAM_TOKEN. */
  abstract String read() throws WorkloadException;

  /** Where the token is held, for messages: the variable or the path, cleaned. */
  abstract String where();

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String cacheIdentity() throws WorkloadException {
    return TokenCache.key(List.of(read().strip()));
  }

  @Override
  public final UpstreamToken fetch() throws WorkloadException {
    return UnverifiedJwt.check(read(), name + " (" + where() + ")", clock);
  }
}
