package dev.ferry.workload;

/** Where the platform's OIDC token comes from ({@code --from}). */
public interface TokenSource {
  /** The source's name for messages and the cache key, such as {@code github-actions}. */
  String name();

  /**
   * What identifies the token this source would give, for the cache key, without a network call: a
   * SHA-256 of the token for local sources (a rotated file is a new identity), the request URL and
   * audience for GitHub Actions.
   */
  String cacheIdentity() throws WorkloadException;

  /** Obtains the token; a missing, expired or malformed one is {@link Failure#UPSTREAM_TOKEN}. */
  UpstreamToken fetch() throws WorkloadException;
}
