package dev.ferry.connector.oidc;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Clock;
import java.util.List;

/**
 * The upstream's JWKS, cached.
 *
 * <p>Design: the chain is Nimbus's ({@code JWKSourceBuilder} builds the same one): remote fetch
 * through {@link UpstreamHttp}, outage tolerance, a rate limit of two fetches per {@code
 * jwksRefetchInterval}, and a cache with a TTL. A key lookup that finds nothing in the cache forces
 * one refetch, so a real upstream rotation is picked up by the first token signed with the new key;
 * the rate limit bounds what a flood of tokens with made-up {@code kid}s can cost the upstream.
 * This class replaces Nimbus's {@code JWKSetBasedJWKSource} only to read time from the injected
 * {@link Clock}: every layer of the chain takes the time as an argument.
 */
final class UpstreamKeys implements JWKSource<SecurityContext> {

  private final JWKSetSource<SecurityContext> source;
  private final Clock clock;

  UpstreamKeys(URI jwksUri, UpstreamHttp http, OidcHttpSettings settings, Clock clock) {
    this.clock = clock;
    JWKSetSource<SecurityContext> chain = new URLBasedJWKSetSource<>(toUrl(jwksUri), fetcher(http));
    if (!settings.jwksOutageTolerance().isZero()) {
      chain =
          new OutageTolerantJWKSetSource<>(chain, settings.jwksOutageTolerance().toMillis(), null);
    }
    chain = new RateLimitedJWKSetSource<>(chain, settings.jwksRefetchInterval().toMillis(), null);
    this.source =
        new CachingJWKSetSource<>(
            chain, settings.jwksCacheTtl().toMillis(), settings.requestTimeout().toMillis(), null);
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    long now = clock.millis();
    JWKSet cached = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
    List<JWK> matches = selector.select(cached);
    if (!matches.isEmpty()) {
      return matches;
    }
    // Unknown kid: refetch unless another thread already replaced this set; rate limited below.
    JWKSet fresh;
    try {
      fresh =
          source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, context);
    } catch (RateLimitReachedException e) {
      throw new KeySourceException(
          "no matching key(s) found, and the JWKS was refetched too recently to look again", e);
    }
    return selector.select(fresh);
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
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("JWKS URL " + uri + " is not a URL", e);
    }
  }
}
