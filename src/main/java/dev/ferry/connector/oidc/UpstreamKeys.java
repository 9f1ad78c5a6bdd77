package dev.ferry.connector.oidc;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The upstream's JWKS, cached.
 *
 * <p>Design: Nimbus's building blocks ({@code JWKSourceBuilder} uses the same ones): a remote fetch
 * through {@link UpstreamHttp}, outage tolerance (the last good set keeps verifying while the
 * endpoint fails), and a cache with a TTL. A lookup that finds no key in the cache forces one
 * refetch, so a real upstream rotation is picked up by the first token signed with the new key,
 * without waiting for the TTL. Those forced refetches pass a Nimbus rate limiter (two per {@code
 * jwksRefetchInterval}) that bounds what a flood of tokens with made-up {@code kid}s can cost the
 * upstream; the TTL refresh itself is not rate limited, so an attacker exhausting the refetch
 * budget cannot keep genuine tokens from verifying. This class replaces Nimbus's {@code
 * JWKSetBasedJWKSource} only to read time from the injected {@link Clock}: every layer takes the
 * time as an argument.
 *
 * <p>{@link #cached} answers from the set in the cache without ever fetching: the steady-state
 * lookup that needs no upstream and therefore no slot of the connector's bulkhead.
 */
final class UpstreamKeys implements UpstreamKeySource {

  /** The set the cache holds and until when, as the cache itself reckons (load time + TTL). */
  private record Snapshot(JWKSet keys, long validUntilMillis) {}

  private final JWKSetSource<SecurityContext> cache;
  private volatile @Nullable Snapshot snapshot;
  private final JWKSetSource<SecurityContext> refetchBudget;
  private final Clock clock;

  UpstreamKeys(URI jwksUri, UpstreamHttp http, UpstreamHttpSettings settings, Clock clock) {
    this.clock = clock;
    JWKSetSource<SecurityContext> chain = new URLBasedJWKSetSource<>(toUrl(jwksUri), fetcher(http));
    if (!settings.jwksOutageTolerance().isZero()) {
      chain =
          new OutageTolerantJWKSetSource<>(chain, settings.jwksOutageTolerance().toMillis(), null);
    }
    long ttl = settings.jwksCacheTtl().toMillis();
    JWKSetSource<SecurityContext> loaded = chain;
    JWKSetSource<SecurityContext> recorded =
        new JWKSetSource<>() {
          @Override
          public JWKSet getJWKSet(
              JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
              throws KeySourceException {
            JWKSet set = loaded.getJWKSet(evaluator, currentTime, context);
            snapshot = new Snapshot(set, currentTime + ttl);
            return set;
          }

          @Override
          public void close() throws IOException {
            loaded.close();
          }
        };
    this.cache =
        new CachingJWKSetSource<>(recorded, ttl, settings.requestTimeout().toMillis(), null);
    this.refetchBudget =
        new RateLimitedJWKSetSource<>(
            new NothingToFetch(), settings.jwksRefetchInterval().toMillis(), null);
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    long now = clock.millis();
    JWKSet cached = cache.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
    List<JWK> matches = selector.select(cached);
    if (!matches.isEmpty()) {
      return matches;
    }
    try {
      refetchBudget.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
    } catch (RateLimitReachedException e) {
      throw new KeySourceException(
          "no matching key(s) found, and the JWKS was refetched too recently to look again", e);
    }
    // Refetch unless another thread already replaced the set this lookup saw.
    JWKSet fresh =
        cache.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, context);
    return selector.select(fresh);
  }

  @Override
  public List<JWK> cached(JWKSelector selector) {
    Snapshot current = snapshot;
    if (current == null || clock.millis() >= current.validUntilMillis()) {
      return List.of();
    }
    return selector.select(current.keys());
  }

  /** The rate limiter's inner source: the limiter is used as a gate only. */
  private static final class NothingToFetch implements JWKSetSource<SecurityContext> {
    @Override
    public JWKSet getJWKSet(
        JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context) {
      return new JWKSet();
    }

    @Override
    public void close() {}
  }

  private static ResourceRetriever fetcher(UpstreamHttp http) {
    return url -> {
      UpstreamHttp.Response response;
      try {
        response = http.get(url.toURI(), null);
      } catch (URISyntaxException e) {
        throw new IOException("invalid JWKS URL " + url, e);
      }
      if (response.status() != 200) {
        throw new IOException("JWKS " + url + " answered HTTP " + response.status());
      }
      return new Resource(response.text(), response.contentType());
    };
  }

  private static URL toUrl(URI uri) {
    try {
      return uri.toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("JWKS URL " + uri + " is not a URL", e);
    }
  }
}
