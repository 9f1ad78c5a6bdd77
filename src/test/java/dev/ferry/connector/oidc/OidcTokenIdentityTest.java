package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ACCESS_TOKEN;
import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dex's TestTokenIdentity (Dex: connector/oidc/oidc_test.go TestTokenIdentity) and black-box cases
 * derived from go-oidc oidc/verify.go IDTokenVerifier.Verify and connector/oidc/oidc.go
 * oidcConnector.createIdentity.
 */
class OidcTokenIdentityTest {

  private static final MutableClock CLOCK = MutableClock.atFixedStart();
  private static UpstreamIssuer upstream;

  @BeforeAll
  static void startUpstream() {
    upstream = UpstreamIssuer.builder().clock(CLOCK).start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.close();
  }

  @BeforeEach
  void resetUpstream() {
    CLOCK.set(MutableClock.atFixedStart().instant());
    upstream.userInfoEnabled(true);
    upstream.userInfoStatus(200);
    upstream.userInfoClaims(null);
  }

  static Stream<Arguments> dexTokenIdentityCases() {
    return Stream.of(
        // name, subject type, getUserInfo, token is a JWT, expect success
        Arguments.of("id_token", ID_TOKEN, false, true, true),
        Arguments.of("id_token with user info", ID_TOKEN, true, true, true),
        Arguments.of("access_token with user info", ACCESS_TOKEN, true, true, true),
        Arguments.of("opaque access_token with user info", ACCESS_TOKEN, true, false, true),
        // Dex refuses this one; Ferry accepts a JWT access token that passes the ID token checks.
        Arguments.of("access_token (JWT) without user info", ACCESS_TOKEN, false, true, true),
        Arguments.of("access_token (opaque) without user info", ACCESS_TOKEN, false, false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dexTokenIdentityCases")
  void dexTokenIdentity(
      String name, String type, boolean getUserInfo, boolean jwt, boolean succeeds)
      throws Exception {
    String token =
        jwt
            ? upstream.token().build()
            : upstream.opaqueAccessToken(Map.of("sub", "subvalue", "name", "namevalue"));
    try (OidcConnector connector = open(Map.of("getUserInfo", getUserInfo))) {
      if (succeeds) {
        Identity identity = connector.tokenIdentity(type, token).identity();
        assertThat(identity.userId()).isEqualTo("subvalue");
        assertThat(identity.username()).isEqualTo("namevalue");
      } else {
        assertThatThrownBy(() -> connector.tokenIdentity(type, token).identity())
            .isInstanceOf(IdentityException.class)
            .hasMessage("oidc: getUserInfo is required for access token exchange");
      }
    }
  }

  @Test
  void userInfoIsCalledWithTheSubjectTokenAsBearerAndItsClaimsWin() throws Exception {
    upstream.userInfoClaims(Map.of("sub", "subvalue", "name", "from-userinfo"));
    String token = upstream.token().claim("email", "kept@example.com").build();
    try (OidcConnector connector =
        open(
            Map.of(
                "getUserInfo",
                true,
                "scopes",
                List.of("email"),
                "insecureSkipEmailVerified",
                true))) {
      Identity identity = connector.tokenIdentity(ID_TOKEN, token).identity();
      assertThat(identity.username()).isEqualTo("from-userinfo");
      // ID token keys absent from userinfo are kept (Dex decodes userinfo into the same map).
      assertThat(identity.email()).isEqualTo("kept@example.com");
      assertThat(upstream.lastAuthorization(UpstreamIssuer.USERINFO)).contains("Bearer " + token);
    }
  }

  @Test
  void signedUserInfoResponseIsAccepted() throws Exception {
    upstream.userInfoAsJwt(true);
    try (OidcConnector connector = open(Map.of("getUserInfo", true))) {
      String token = upstream.opaqueAccessToken(Map.of("sub", "jwt-sub", "name", "jwt-name"));
      Identity identity = connector.tokenIdentity(ACCESS_TOKEN, token).identity();
      assertThat(identity.userId()).isEqualTo("jwt-sub");
    } finally {
      upstream.userInfoAsJwt(false);
    }
  }

  @Test
  void forgedSignedUserInfoResponseIsRefused() throws Exception {
    upstream.userInfoAsJwt(true);
    upstream.userInfoJwtSigning(UpstreamToken.Signing.UNPUBLISHED_RSA);
    try (OidcConnector connector = open(Map.of("getUserInfo", true))) {
      String token = upstream.opaqueAccessToken(Map.of("sub", "jwt-sub", "name", "jwt-name"));
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, token).identity())
          .hasMessageStartingWith("oidc: failed to verify userinfo response")
          .hasMessageContaining("signature");
    } finally {
      upstream.userInfoAsJwt(false);
      upstream.userInfoJwtSigning(UpstreamToken.Signing.RSA);
    }
  }

  static Stream<Arguments> rejectedIdTokens() {
    return Stream.<Arguments>of(
        // Expired, wrong iss, bad signature, unknown kid, unlisted alg (IDTokenVerifier.Verify)
        rejected("expired one second ago", t -> t.expiresAt(now().minusSeconds(1)), "expired"),
        rejected("wrong iss", t -> t.issuer("https://evil.example.com"), "different provider"),
        rejected(
            "issuer with trailing slash",
            t -> t.issuer(upstream.issuer() + "/"),
            "different provider"),
        rejected(
            "bad signature", t -> t.signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA), "signature"),
        rejected("unknown kid", t -> t.kid("no-such-key"), "no matching key"),
        rejected(
            "ES256 while discovery lists no algorithms (RS256 only)",
            t -> t.signedWith(UpstreamToken.Signing.EC),
            "no matching key"),
        // nbf beyond go-oidc's five minutes of leeway; exp is required
        rejected("nbf now+6min", t -> t.notBefore(now().plus(Duration.ofMinutes(6))), "nbf"),
        rejected("no exp", t -> t.without("exp"), "exp"));
  }

  private static Arguments rejected(
      String name, Function<UpstreamToken, UpstreamToken> change, String reason) {
    return Arguments.of(name, change, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedIdTokens")
  void rejectsIdToken(String name, Function<UpstreamToken, UpstreamToken> change, String reason)
      throws Exception {
    String token = change.apply(upstream.token()).build();
    try (OidcConnector connector = open(Map.of())) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .isInstanceOf(IdentityException.class)
          .hasMessageStartingWith("oidc: failed to verify token: ")
          .hasMessageContaining(reason);
    }
  }

  static Stream<Arguments> acceptedIdTokens() {
    return Stream.<Arguments>of(
        // aud is never checked (Dex: oidcConnector.createIdentity, SkipClientIDCheck)
        accepted("aud of another client", t -> t.audience("someone-else")),
        accepted("aud as an array", t -> t.audience(List.of("a", "b"))),
        accepted("no aud", t -> t.without("aud")),
        // nbf within go-oidc's five minutes of leeway (IDTokenVerifier.Verify)
        accepted("nbf now+4min", t -> t.notBefore(now().plus(Duration.ofMinutes(4)))),
        accepted("nbf exactly now+5min", t -> t.notBefore(now().plus(Duration.ofMinutes(5)))),
        accepted("exp exactly now (zero leeway, not yet after)", t -> t.expiresAt(now())),
        accepted("typ is ignored", t -> t.header("typ", "at+jwt")),
        accepted("no kid: every key is tried", t -> t.kid(null)),
        accepted(
            "iat in the future is ignored", t -> t.claim("iat", now().getEpochSecond() + 3600)));
  }

  private static Arguments accepted(String name, Function<UpstreamToken, UpstreamToken> change) {
    return Arguments.of(name, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedIdTokens")
  void acceptsIdToken(String name, Function<UpstreamToken, UpstreamToken> change) throws Exception {
    String token = change.apply(upstream.token()).build();
    try (OidcConnector connector = open(Map.of())) {
      assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
          .isEqualTo("subvalue");
    }
  }

  @Test
  void expiryIsJudgedByTheInjectedClock() throws Exception {
    String token = upstream.token().expiresAt(now().plusSeconds(10)).build();
    try (OidcConnector connector = open(Map.of())) {
      assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().userId())
          .isEqualTo("subvalue");
      CLOCK.advance(Duration.ofSeconds(11));
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .hasMessageContaining("expired");
    }
  }

  @Test
  void withoutNameTheUsernameKeyIsRequired() throws Exception {
    // name or userNameKey (Dex: connector/oidc/oidc.go oidcConnector.createIdentity)
    String token = upstream.token().without("name").build();
    try (OidcConnector connector = open(Map.of())) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .hasMessage("missing \"name\" claim");
    }
    try (OidcConnector connector = open(Map.of("userNameKey", "sub"))) {
      assertThat(connector.tokenIdentity(ID_TOKEN, token).identity().username())
          .isEqualTo("subvalue");
    }
  }

  @Test
  void defaultScopesRequireEmail() throws Exception {
    // Connector scopes default to profile+email, so email is required (Dex: oidc.go Config.Open,
    // oidcConnector.createIdentity hasEmailScope).
    String token = upstream.token().build();
    Map<String, Object> config = Map.of("issuer", upstream.issuer());
    try (OidcConnector connector = TestConnectors.open(CLOCK, TestConnectors.FAST, config)) {
      assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
          .hasMessage("missing email claim, not found \"email\" key");
    }
  }

  @Test
  void accessTokenRulesWithoutUserInfo() throws Exception {
    // getUserInfo for access tokens (Dex: connector/oidc/oidc.go oidcConnector.TokenIdentity)
    String opaque = upstream.opaqueAccessToken(Map.of("sub", "s", "name", "n"));
    try (OidcConnector connector = open(Map.of("getUserInfo", false))) {
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, opaque).identity())
          .hasMessage("oidc: getUserInfo is required for access token exchange");
    }
    upstream.userInfoEnabled(false);
    try (OidcConnector connector = open(Map.of("getUserInfo", true))) {
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, opaque).identity())
          .hasMessage("oidc: user info endpoint is not supported by this provider");
      // Dex: an id_token with getUserInfo but no endpoint fails the same way.
      assertThatThrownBy(
              () -> connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity())
          .hasMessage("oidc: user info endpoint is not supported by this provider");
    }
    upstream.userInfoEnabled(true);
    upstream.userInfoStatus(401);
    try (OidcConnector connector = open(Map.of("getUserInfo", true))) {
      assertThatThrownBy(() -> connector.tokenIdentity(ACCESS_TOKEN, opaque).identity())
          .hasMessageContaining("HTTP 401");
      // With userinfo configured and available it is authoritative, even for a valid JWT.
      assertThatThrownBy(
              () -> connector.tokenIdentity(ACCESS_TOKEN, upstream.token().build()).identity())
          .hasMessageContaining("HTTP 401");
    }
  }

  @Test
  void unknownSubjectTokenTypeIsRefused() throws Exception {
    try (OidcConnector connector = open(Map.of())) {
      assertThatThrownBy(() ->
              connector
                  .tokenIdentity("urn:ietf:params:oauth:token-type:jwt", upstream.token().build())
                  .identity())
          .hasMessage(
              "unknown token type for token exchange: urn:ietf:params:oauth:token-type:jwt");
    }
  }

  private static Instant now() {
    return CLOCK.instant();
  }

  private static OidcConnector open(Map<String, ?> config) throws Exception {
    return TestConnectors.open(upstream, CLOCK, config);
  }
}
