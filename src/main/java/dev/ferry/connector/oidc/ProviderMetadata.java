package dev.ferry.connector.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What discovery (plus {@code providerDiscoveryOverrides}) says about the upstream, reduced to what
 * the connector uses.
 *
 * @param expectedIssuer the exact {@code iss} every upstream token must carry
 * @param jwksUri where the verification keys are; absent only for a broken upstream
 * @param userInfoEndpoint absent when the upstream has none (GitHub Actions, Kubernetes)
 * @param idTokenAlgorithms the accepted JWS algorithms: discovery's list filtered to the asymmetric
 *     ones, or RS256 alone (go-oidc)
 * @param authorizationEndpoint where the browser logs in (browser login only); absent when the
 *     upstream has none or was not discovered
 * @param tokenEndpoint where codes and refresh tokens are redeemed (browser login only)
 * @param codeChallengeMethods the upstream's {@code code_challenge_methods_supported}, what Dex
 *     picks the PKCE method from when {@code pkceChallenge} is unset
 */
record ProviderMetadata(
    String expectedIssuer,
    Optional<URI> jwksUri,
    Optional<URI> userInfoEndpoint,
    Set<JWSAlgorithm> idTokenAlgorithms,
    Optional<URI> authorizationEndpoint,
    Optional<URI> tokenEndpoint,
    List<String> codeChallengeMethods) {

  ProviderMetadata {
    idTokenAlgorithms = Set.copyOf(idTokenAlgorithms);
    codeChallengeMethods = List.copyOf(codeChallengeMethods);
  }
}
