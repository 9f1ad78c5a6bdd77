package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ACCESS_TOKEN;
import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.Identity;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Machine tokens from upstreams without userinfo (Dex: connector/oidc/oidc.go
 * oidcConnector.createIdentity): a GitHub Actions-like issuer advertising ES256 and RS256, tokens
 * without {@code name} or {@code email}, a repository claim turned into a group and restricted by
 * {@code allowedGroups}. Both subject token types work; the access_token one is Ferry's deliberate
 * difference from Dex (issue #4032).
 */
class OidcMachineTokenTest {

  private static final MutableClock CLOCK = MutableClock.atFixedStart();
  private static UpstreamIssuer actions;

  /** The connector config of the Dex docs' GitHub Actions example, made to work. */
  private static final Map<String, Object> CONFIG =
      Map.of(
          "userNameKey", "sub",
          "scopes", List.of("openid"),
          "insecureEnableGroups", true,
          "claimMapping", Map.of("groups", "repository"),
          "allowedGroups", List.of("octo-org/octo-repo"));

  @BeforeAll
  static void startUpstream() {
    actions =
        UpstreamIssuer.builder()
            .clock(CLOCK)
            .issuerPath("/actions")
            .userInfo(false)
            .signingAlgorithms("RS256")
            .start();
  }

  @AfterAll
  static void stopUpstream() {
    actions.close();
  }

  private static String actionsToken(String repository) {
    return actions
        .token()
        .noClaims()
        .issuer(actions.issuer())
        .subject("repo:" + repository + ":ref:refs/heads/main")
        .audience("https://github.com/octo-org")
        .expiresAt(CLOCK.instant().plus(Duration.ofMinutes(5)))
        .claim("repository", repository)
        .claim("repository_id", "123456")
        .claim("ref", "refs/heads/main")
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {ID_TOKEN, ACCESS_TOKEN})
  void actionsTokenIsExchangedAsEitherType(String type) throws Exception {
    try (OidcConnector connector = TestConnectors.open(actions, CLOCK, CONFIG)) {
      Identity identity =
          connector.tokenIdentity(type, actionsToken("octo-org/octo-repo")).identity();
      assertThat(identity.userId()).isEqualTo("repo:octo-org/octo-repo:ref:refs/heads/main");
      assertThat(identity.username()).isEqualTo(identity.userId());
      assertThat(identity.email()).isEmpty();
      assertThat(identity.emailVerified()).isFalse();
      assertThat(identity.groups()).containsExactly("octo-org/octo-repo");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {ID_TOKEN, ACCESS_TOKEN})
  void otherRepositoryIsNotInAllowedGroups(String type) throws Exception {
    try (OidcConnector connector = TestConnectors.open(actions, CLOCK, CONFIG)) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(type, actionsToken("evil-org/repo")).identity())
          .hasMessage("user not a member of allowed groups");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void getUserInfoDoesNotRescueAnOpaqueToken(boolean getUserInfo) throws Exception {
    try (OidcConnector connector =
        TestConnectors.open(actions, CLOCK, Map.of("getUserInfo", getUserInfo))) {
      assertThatThrownBy(
              () -> connector.tokenIdentity(ACCESS_TOKEN, "gho_opaqueTokenValue").identity())
          .hasMessageContaining(getUserInfo ? "user info endpoint" : "getUserInfo is required");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {ID_TOKEN, ACCESS_TOKEN})
  void expiredActionsTokenIsRefused(String type) throws Exception {
    String token = actionsToken("octo-org/octo-repo");
    CLOCK.advance(Duration.ofMinutes(6));
    try (OidcConnector connector = TestConnectors.open(actions, CLOCK, CONFIG)) {
      assertThatThrownBy(() -> connector.tokenIdentity(type, token).identity())
          .hasMessageContaining("expired");
    } finally {
      CLOCK.set(MutableClock.atFixedStart().instant());
    }
  }
}
