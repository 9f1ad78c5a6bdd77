package dev.ferry.connector.upstream;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits for everything a connector sends upstream or accepts from it, shared by every connector
 * type (the timeouts, the response and token caps); the discovery and JWKS settings apply to the
 * connectors that discover their upstream ({@code oidc}). The defaults suit production; tests
 * shorten the timeouts and intervals through the {@code with...} copies.
 *
 * @param connectTimeout TCP/TLS connect timeout of every upstream request
 * @param requestTimeout deadline for a whole upstream exchange, body included
 * @param maxResponseBytes largest discovery, JWKS or userinfo body read (octo-sts caps 100 KiB)
 * @param maxTokenBytes largest subject token looked at; longer ones are refused unparsed
 * @param jwksCacheTtl how long a fetched JWKS is used before it is fetched again
 * @param jwksRefetchInterval window in which at most two JWKS fetches happen (Nimbus rate limit),
 *     so unknown {@code kid}s cannot make the connector hammer the upstream
 * @param jwksOutageTolerance how long the last good JWKS keeps verifying while the upstream's JWKS
 *     endpoint fails
 * @param discoveryRetryMin first wait after a failed discovery before it is tried again
 * @param discoveryRetryMax longest wait between discovery attempts (the wait doubles)
 */
public record UpstreamHttpSettings(
    Duration connectTimeout,
    Duration requestTimeout,
    int maxResponseBytes,
    int maxTokenBytes,
    Duration jwksCacheTtl,
    Duration jwksRefetchInterval,
    Duration jwksOutageTolerance,
    Duration discoveryRetryMin,
    Duration discoveryRetryMax) {

  /**
   * The default {@link #maxTokenBytes}, far above a projected Kubernetes token (about 1 KiB): the
   * size of upstream token Ferry looks at, also the limit on an RFC 7523 assertion (a JWT bearer
   * grant's or a client's) before it is parsed.
   */
  public static final int DEFAULT_MAX_TOKEN_BYTES = 32 * 1024;

  public UpstreamHttpSettings {
    Objects.requireNonNull(connectTimeout);
    Objects.requireNonNull(requestTimeout);
    Objects.requireNonNull(jwksCacheTtl);
    Objects.requireNonNull(jwksRefetchInterval);
    Objects.requireNonNull(jwksOutageTolerance);
    Objects.requireNonNull(discoveryRetryMin);
    Objects.requireNonNull(discoveryRetryMax);
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(jwksCacheTtl, "jwksCacheTtl");
    requirePositive(jwksRefetchInterval, "jwksRefetchInterval");
    requirePositive(discoveryRetryMin, "discoveryRetryMin");
    if (discoveryRetryMax.compareTo(discoveryRetryMin) < 0) {
      throw new IllegalArgumentException("discoveryRetryMax must be >= discoveryRetryMin");
    }
    if (jwksOutageTolerance.isNegative()) {
      throw new IllegalArgumentException("jwksOutageTolerance must not be negative");
    }
    if (maxResponseBytes < 1024 || maxTokenBytes < 1024) {
      throw new IllegalArgumentException("size limits must be at least 1 KiB");
    }
  }

  /**
   * Connect 5 s, whole request 10 s, 256 KiB responses, 32 KiB tokens, JWKS cached 5 min with at
   * most two fetches per 10 s, an outage bridged for 1 h, discovery retried after 1 s up to 60 s.
   */
  public static UpstreamHttpSettings defaults() {
    return new UpstreamHttpSettings(
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        256 * 1024,
        DEFAULT_MAX_TOKEN_BYTES,
        Duration.ofMinutes(5),
        Duration.ofSeconds(10),
        Duration.ofHours(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(60));
  }

  public UpstreamHttpSettings withTimeouts(Duration connect, Duration request) {
    return new UpstreamHttpSettings(
        connect,
        request,
        maxResponseBytes,
        maxTokenBytes,
        jwksCacheTtl,
        jwksRefetchInterval,
        jwksOutageTolerance,
        discoveryRetryMin,
        discoveryRetryMax);
  }

  public UpstreamHttpSettings withJwks(Duration cacheTtl, Duration refetchInterval) {
    return new UpstreamHttpSettings(
        connectTimeout,
        requestTimeout,
        maxResponseBytes,
        maxTokenBytes,
        cacheTtl,
        refetchInterval,
        jwksOutageTolerance,
        discoveryRetryMin,
        discoveryRetryMax);
  }

  public UpstreamHttpSettings withDiscoveryRetry(Duration min, Duration max) {
    return new UpstreamHttpSettings(
        connectTimeout,
        requestTimeout,
        maxResponseBytes,
        maxTokenBytes,
        jwksCacheTtl,
        jwksRefetchInterval,
        jwksOutageTolerance,
        min,
        max);
  }

  private static void requirePositive(Duration value, String name) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
