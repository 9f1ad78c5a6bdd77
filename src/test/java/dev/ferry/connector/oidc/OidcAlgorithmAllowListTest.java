package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken.Signing;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The accepted algorithms are discovery's {@code id_token_signing_alg_values_supported} filtered to
 * the asymmetric ones go-oidc knows, or RS256 alone when that leaves nothing (go-oidc: oidc/oidc.go
 * NewProvider, oidc/verify.go IDTokenVerifier.Verify; Dex passes no SupportedSigningAlgs).
 */
class OidcAlgorithmAllowListTest {

  private static final MutableClock CLOCK = MutableClock.atFixedStart();

  static Stream<Arguments> lists() {
    return Stream.of(
        Arguments.of(List.of(), EnumSet.of(Signing.RSA)),
        Arguments.of(List.of("ES256"), EnumSet.of(Signing.EC)),
        Arguments.of(List.of("RS256", "EdDSA"), EnumSet.of(Signing.RSA, Signing.ED25519)),
        Arguments.of(
            List.of("RS256", "ES256", "EdDSA"),
            EnumSet.of(Signing.RSA, Signing.EC, Signing.ED25519)),
        // Only symmetric or unknown algorithms advertised: fall back to RS256, never HS256.
        Arguments.of(List.of("HS256", "none", "XYZ"), EnumSet.of(Signing.RSA)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lists")
  void acceptsExactlyTheAllowedFamilies(List<String> advertised, Set<Signing> accepted)
      throws Exception {
    UpstreamIssuer.Builder builder = UpstreamIssuer.builder().clock(CLOCK);
    if (!advertised.isEmpty()) {
      builder.signingAlgorithms(advertised.toArray(String[]::new));
    }
    try (UpstreamIssuer upstream = builder.start();
        OidcConnector connector = TestConnectors.open(upstream, CLOCK, Map.of())) {
      for (Signing signing :
          List.of(Signing.RSA, Signing.EC, Signing.ED25519, Signing.HMAC_WITH_PUBLIC_KEY)) {
        String token = upstream.token().signedWith(signing).build();
        if (accepted.contains(signing)) {
          assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
              .as(signing.name())
              .isEqualTo("subvalue");
        } else {
          assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
              .as(signing.name())
              .isInstanceOf(IdentityException.class);
        }
      }
    }
  }

  @Test
  void googleIssuerAlsoAcceptsTheSchemelessIss() throws Exception {
    // go-oidc special case; reached here through issuerAlias, which sets the expected issuer.
    String google = "https://accounts.google.com";
    try (UpstreamIssuer upstream = UpstreamIssuer.builder().clock(CLOCK).start();
        OidcConnector connector =
            TestConnectors.open(upstream, CLOCK, Map.of("issuerAlias", google))) {
      upstream.discoveryIssuer(google);
      for (String iss : List.of(google, "accounts.google.com")) {
        assertThat(
                connector
                    .tokenIdentity(ID_TOKEN, upstream.token().issuer(iss).build())
                    .identity()
                    .userId())
            .as(iss)
            .isEqualTo("subvalue");
      }
      assertThatThrownBy(() ->
              connector
                  .tokenIdentity(
                      ID_TOKEN, upstream.token().issuer("accounts.google.com.evil").build())
                  .identity())
          .hasMessageContaining("different provider");
    }
  }
}
