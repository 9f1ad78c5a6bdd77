package dev.ferry.connector.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.CallbackConnector.LoginRedirect;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamLogin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code oidc} connector's browser login and refresh against a real upstream over HTTP (Dex:
 * connector/oidc/oidc_test.go TestHandleCallback, TestRefresh, TestPromptType,
 * TestKnownBrokenAuthHeaderProvider, TestProviderOverride).
 */
class OidcLoginTest {

  private static final String CALLBACK = "https://ferry.example/dex/callback";
  private static final ConnectorScopes OFFLINE = new ConnectorScopes(true, true);
  private static final ConnectorScopes ONLINE = new ConnectorScopes(false, true);

  private final MutableClock clock = MutableClock.atFixedStart();
  private final HttpClient browser = HttpClient.newHttpClient();
  private UpstreamIssuer upstream;

  @BeforeEach
  void start() {
    upstream = UpstreamIssuer.builder().clock(clock).start();
    upstream.login().client("ferry", "s3cret:/+ ~");
  }

  @AfterEach
  void stop() {
    upstream.close();
    browser.close();
  }

  private Map<String, Object> config(Object... keysAndValues) {
    Map<String, Object> config = new HashMap<>();
    config.put("issuer", upstream.issuer());
    config.put("clientID", "ferry");
    config.put("clientSecret", "s3cret:/+ ~");
    config.put("redirectURI", CALLBACK);
    config.put("insecureEnableGroups", true);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      config.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return config;
  }

  private OidcConnector open(Map<String, Object> config) throws Exception {
    return TestConnectors.open(clock, TestConnectors.FAST, config);
  }

  /** Follows the login URL as a browser would, up to Ferry's callback; returns its query. */
  private Map<String, String> browse(LoginRedirect redirect) throws Exception {
    HttpResponse<String> answer =
        browser.send(
            HttpRequest.newBuilder(URI.create(redirect.url())).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(302);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(CALLBACK + "?");
    return UpstreamLogin.parse(URI.create(location).getRawQuery());
  }

  private Identity logIn(OidcConnector connector, ConnectorScopes scopes) throws Exception {
    LoginRedirect redirect = connector.loginUrl(scopes, CALLBACK, "req-1");
    Map<String, String> callback = browse(redirect);
    assertThat(callback).containsEntry("state", "req-1");
    return connector.handleCallback(scopes, redirect.connectorData(), callback);
  }

  @Test
  void theLoginUrlCarriesDexsParameters() throws Exception {
    OidcConnector connector = open(config("acrValues", List.of("gold", "silver")));

    LoginRedirect online = connector.loginUrl(ONLINE, CALLBACK, "req-1");
    assertThat(online.url()).startsWith(upstream.issuer() + "/authorize?");
    Map<String, String> query = UpstreamLogin.parse(URI.create(online.url()).getRawQuery());
    assertThat(query)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "client_id", "ferry",
                "redirect_uri", CALLBACK,
                "response_type", "code",
                "scope", "openid profile email",
                "state", "req-1",
                "acr_values", "gold silver"));
    // Go's url.Values.Encode: keys sorted.
    assertThat(URI.create(online.url()).getRawQuery())
        .startsWith("acr_values=gold+silver&client_id=ferry&redirect_uri=https%3A%2F%2F");
    assertThat(online.connectorData()).isEmpty();

    Map<String, String> offline =
        UpstreamLogin.parse(
            URI.create(connector.loginUrl(OFFLINE, CALLBACK, "req-2").url()).getRawQuery());
    assertThat(offline).containsEntry("access_type", "offline").containsEntry("prompt", "consent");
    // Dex adds no offline_access scope: it belongs in the connector's scopes.
    assertThat(offline.get("scope")).isEqualTo("openid profile email");
  }

  @Test
  void promptTypeIsSentOnlyForOfflineLoginsAndMayBeEmpty() throws Exception {
    for (String prompt : List.of("none", "", "login")) {
      OidcConnector connector = open(config("promptType", prompt, "scopes", List.of("groups")));
      Map<String, String> query =
          UpstreamLogin.parse(
              URI.create(connector.loginUrl(OFFLINE, CALLBACK, "s").url()).getRawQuery());
      assertThat(query).containsEntry("prompt", prompt);
      assertThat(query.get("scope")).isEqualTo("openid groups");
      assertThat(
              UpstreamLogin.parse(
                  URI.create(connector.loginUrl(ONLINE, CALLBACK, "s").url()).getRawQuery()))
          .doesNotContainKey("prompt");
    }
  }

  @Test
  void aCallbackUrlOtherThanRedirectUriIsRefusedAsDexRefusesIt() throws Exception {
    OidcConnector connector = open(config());

    assertThatThrownBy(() -> connector.loginUrl(ONLINE, "https://evil.example/callback", "s"))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("did not match the URL in the config");
  }

  @Test
  void theAuthUrlOverrideReplacesTheDiscoveredOne() throws Exception {
    OidcConnector connector =
        open(
            config(
                "providerDiscoveryOverrides",
                Map.of("authURL", "https://login.example/authorize?tenant=t1")));

    assertThat(connector.loginUrl(ONLINE, CALLBACK, "s").url())
        .startsWith("https://login.example/authorize?tenant=t1&client_id=ferry&");
  }

  @Test
  void aWholeLoginMapsTheIdTokenAndKeepsTheUpstreamRefreshToken() throws Exception {
    OidcConnector connector = open(config());

    Identity identity = logIn(connector, OFFLINE);

    assertThat(identity.userId()).isEqualTo("upstream-user-1");
    assertThat(identity.username()).isEqualTo("Upstream User");
    assertThat(identity.preferredUsername()).isEqualTo("upstream");
    assertThat(identity.email()).isEqualTo("user@upstream.example");
    assertThat(identity.emailVerified()).isTrue();
    assertThat(identity.groups()).containsExactly("upstream-admins");
    String refreshToken = LoginData.readRefreshToken(identity.connectorData());
    assertThat(refreshToken).startsWith("refresh-");
    assertThat(new String(identity.connectorData(), StandardCharsets.UTF_8))
        .startsWith("{\"RefreshToken\":\"");
    // The code exchange: Basic first (x/oauth2's auto-detection), the redirect URI, no PKCE.
    assertThat(upstream.login().lastTokenAuthorization()).get().asString().startsWith("Basic ");
    assertThat(upstream.login().lastTokenForm())
        .containsEntry("grant_type", "authorization_code")
        .containsEntry("redirect_uri", CALLBACK)
        .doesNotContainKeys("code_verifier", "client_secret");
  }

  @Test
  void pkceFollowsDiscoveryPreferringS256AndTheConfigWins() throws Exception {
    upstream.codeChallengeMethods(List.of("plain", "S256"));
    OidcConnector s256 = open(config());
    LoginRedirect redirect = s256.loginUrl(ONLINE, CALLBACK, "s");
    Map<String, String> query = UpstreamLogin.parse(URI.create(redirect.url()).getRawQuery());
    LoginData.Pkce kept = LoginData.readPkce(redirect.connectorData());
    assertThat(kept.method()).isEqualTo("S256");
    assertThat(kept.verifier()).hasSize(43);
    assertThat(query)
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("code_challenge", OidcLogin.s256(kept.verifier()));
    assertThat(s256.handleCallback(ONLINE, redirect.connectorData(), browse(redirect)).userId())
        .isEqualTo("upstream-user-1");
    assertThat(upstream.login().lastTokenForm()).containsEntry("code_verifier", kept.verifier());

    upstream.codeChallengeMethods(List.of("plain"));
    OidcConnector plain = open(config());
    assertThat(logIn(plain, ONLINE).userId()).isEqualTo("upstream-user-1");
    assertThat(upstream.login().lastAuthorizeQuery())
        .containsEntry("code_challenge_method", "plain");

    upstream.codeChallengeMethods(null);
    OidcConnector configured = open(config("pkceChallenge", "S256"));
    assertThat(logIn(configured, ONLINE).userId()).isEqualTo("upstream-user-1");
    assertThat(upstream.login().lastAuthorizeQuery())
        .containsEntry("code_challenge_method", "S256");
  }

  @Test
  void aCallbackWithoutItsPkceStateFailsAsDexFails() throws Exception {
    upstream.codeChallengeMethods(List.of("S256"));
    OidcConnector connector = open(config());
    LoginRedirect redirect = connector.loginUrl(ONLINE, CALLBACK, "s");
    Map<String, String> callback = browse(redirect);

    assertThatThrownBy(
            () -> connector.handleCallback(ONLINE, "{}".getBytes(StandardCharsets.UTF_8), callback))
        .isInstanceOf(IdentityException.class)
        .hasMessage("oidc: invalid PKCE CodeChallenge");
    assertThatThrownBy(() -> connector.handleCallback(ONLINE, new byte[0], callback))
        .isInstanceOf(IdentityException.class)
        .hasMessageStartingWith("oidc: failed to parse PKCEChallenge data");
  }

  @Test
  void basicAuthUnsupportedSendsTheCredentialsInTheForm() throws Exception {
    upstream.login().clientAuth(UpstreamLogin.ClientAuth.POST_ONLY);
    OidcConnector connector = open(config("basicAuthUnsupported", true));

    logIn(connector, ONLINE);

    assertThat(upstream.login().lastTokenAuthorization()).isEmpty();
    assertThat(upstream.login().lastTokenForm())
        .containsEntry("client_id", "ferry")
        .containsEntry("client_secret", "s3cret:/+ ~");
    assertThat(upstream.requests(UpstreamLogin.TOKEN)).isEqualTo(1);
  }

  @Test
  void autoDetectionFallsBackToTheFormOnceAndRemembersIt() throws Exception {
    upstream.login().clientAuth(UpstreamLogin.ClientAuth.POST_ONLY);
    OidcConnector connector = open(config());

    logIn(connector, ONLINE);
    assertThat(upstream.requests(UpstreamLogin.TOKEN)).isEqualTo(2);

    logIn(connector, ONLINE);
    assertThat(upstream.requests(UpstreamLogin.TOKEN)).isEqualTo(3);
    assertThat(upstream.login().lastTokenAuthorization()).isEmpty();
  }

  @Test
  void basicCredentialsAreQueryEscapedAsGoDoes() throws Exception {
    upstream.login().clientAuth(UpstreamLogin.ClientAuth.BASIC_ONLY);
    OidcConnector connector = open(config("basicAuthUnsupported", false));

    logIn(connector, ONLINE);

    String basic = upstream.login().lastTokenAuthorization().orElseThrow();
    assertThat(
            new String(
                java.util.Base64.getDecoder().decode(basic.substring("Basic ".length())),
                StandardCharsets.UTF_8))
        .isEqualTo("ferry:s3cret%3A%2F%2B+~");
  }

  @Test
  void oktaIssuersAreKnownToRefuseBasicUnlessTheConfigSaysOtherwise() {
    // Dex's TestKnownBrokenAuthHeaderProvider cases.
    assertThat(TokenEndpoint.knownBrokenAuthHeaderProvider("https://dev.oktapreview.com")).isTrue();
    assertThat(TokenEndpoint.knownBrokenAuthHeaderProvider("https://dev.okta.com")).isTrue();
    assertThat(TokenEndpoint.knownBrokenAuthHeaderProvider("https://okta.com")).isTrue();
    assertThat(TokenEndpoint.knownBrokenAuthHeaderProvider("https://dev.okta.com:8080")).isTrue();
    assertThat(TokenEndpoint.knownBrokenAuthHeaderProvider("https://dev.example.com")).isFalse();
    assertThat(TokenEndpoint.knownBrokenAuthHeaderProvider("https://oktafake.com")).isFalse();
  }

  @Test
  void theUpstreamsErrorFailsTheLogin() throws Exception {
    OidcConnector connector = open(config());
    upstream.login().refuseNextLogin("access_denied");
    LoginRedirect redirect = connector.loginUrl(ONLINE, CALLBACK, "s");
    Map<String, String> callback = browse(redirect);

    assertThatThrownBy(() -> connector.handleCallback(ONLINE, redirect.connectorData(), callback))
        .isInstanceOf(IdentityException.class)
        .hasMessage("access_denied: the upstream refused the login");
    assertThat(upstream.requests(UpstreamLogin.TOKEN)).isZero();
  }

  @Test
  void aCodeIsRedeemedOnceAndAMissingCodeNeverReachesTheUpstream() throws Exception {
    OidcConnector connector = open(config());
    LoginRedirect redirect = connector.loginUrl(ONLINE, CALLBACK, "s");
    Map<String, String> callback = browse(redirect);
    connector.handleCallback(ONLINE, redirect.connectorData(), callback);

    assertThatThrownBy(() -> connector.handleCallback(ONLINE, redirect.connectorData(), callback))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("oidc: failed to get token")
        .hasMessageContaining("invalid_grant");
    int before = upstream.requests(UpstreamLogin.TOKEN);
    assertThatThrownBy(() -> connector.handleCallback(ONLINE, new byte[0], Map.of("state", "s")))
        .isInstanceOf(IdentityException.class);
    assertThat(upstream.requests(UpstreamLogin.TOKEN)).isEqualTo(before);
  }

  @Test
  void anIdTokenForAnotherAudienceFromAnotherIssuerOrExpiredIsRefused() throws Exception {
    OidcConnector connector = open(config());

    upstream.login().idTokens(token -> token.audience(List.of("someone-else")));
    assertThatThrownBy(() -> logIn(connector, ONLINE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("expected audience \"ferry\"");

    upstream.login().idTokens(token -> token.audience(List.of("someone-else", "ferry")));
    assertThat(logIn(connector, ONLINE).userId()).isEqualTo("upstream-user-1");

    upstream.login().idTokens(token -> token.issuer("https://evil.example"));
    assertThatThrownBy(() -> logIn(connector, ONLINE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("id token issued by a different provider");

    upstream.login().idTokens(token -> token.expiresAt(clock.instant().minusSeconds(1)));
    assertThatThrownBy(() -> logIn(connector, ONLINE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("token is expired");

    upstream
        .login()
        .idTokens(
            token -> token.signedWith(dev.ferry.testing.UpstreamToken.Signing.UNPUBLISHED_RSA));
    assertThatThrownBy(() -> logIn(connector, ONLINE))
        .isInstanceOf(IdentityException.class)
        .hasMessageStartingWith("oidc: failed to verify ID Token");
  }

  @Test
  void getUserInfoOverwritesTheIdTokensClaims() throws Exception {
    upstream.userInfoClaims(
        Map.of(
            "sub",
            "upstream-user-1",
            "name",
            "From Userinfo",
            "email",
            "u@i",
            "email_verified",
            true));
    OidcConnector connector = open(config("getUserInfo", true));

    Identity identity = logIn(connector, ONLINE);

    assertThat(identity.username()).isEqualTo("From Userinfo");
    assertThat(identity.email()).isEqualTo("u@i");
    assertThat(upstream.lastAuthorization(UpstreamIssuer.USERINFO))
        .get()
        .asString()
        .startsWith("Bearer opaque-");
  }

  @Test
  void refreshRotatesTheUpstreamRefreshTokenAndRemapsTheClaims() throws Exception {
    OidcConnector connector = open(config());
    Identity first = logIn(connector, OFFLINE);
    upstream
        .login()
        .user(
            Map.of(
                "sub",
                "upstream-user-1",
                "name",
                "Renamed",
                "email",
                "user@upstream.example",
                "email_verified",
                true));

    Identity second = connector.refresh(OFFLINE, first);

    assertThat(second.username()).isEqualTo("Renamed");
    String oldToken = LoginData.readRefreshToken(first.connectorData());
    String newToken = LoginData.readRefreshToken(second.connectorData());
    assertThat(newToken).startsWith("refresh-").isNotEqualTo(oldToken);
    assertThat(upstream.login().lastTokenForm())
        .containsEntry("grant_type", "refresh_token")
        .containsEntry("refresh_token", oldToken);
    // The rotated-out token is dead upstream: refreshing with the old identity fails.
    assertThatThrownBy(() -> connector.refresh(OFFLINE, first))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("oidc: failed to get refresh token")
        .hasMessageContaining("invalid_grant");
    assertThat(connector.refresh(OFFLINE, second).userId()).isEqualTo("upstream-user-1");
  }

  @Test
  void anUpstreamThatDoesNotRotateLeavesTheOldRefreshTokenInPlace() throws Exception {
    upstream.login().rotateRefreshTokens(false);
    OidcConnector connector = open(config());
    Identity first = logIn(connector, OFFLINE);

    Identity second = connector.refresh(OFFLINE, first);

    assertThat(LoginData.readRefreshToken(second.connectorData()))
        .isEqualTo(LoginData.readRefreshToken(first.connectorData()));
  }

  @Test
  void refreshWithoutAnIdTokenNeedsUserinfoAsInDex() throws Exception {
    upstream.login().idTokenOnRefresh(false);
    OidcConnector withoutUserInfo = open(config("scopes", List.of("openid", "offline_access")));
    Identity identity = logIn(withoutUserInfo, OFFLINE);
    assertThatThrownBy(() -> withoutUserInfo.refresh(OFFLINE, identity))
        .isInstanceOf(IdentityException.class)
        .hasMessage("missing \"sub\" claim");

    // Dex's TestRefresh NoIDTokenOnRefresh: userinfo supplies the claims.
    OidcConnector withUserInfo =
        open(config("scopes", List.of("openid", "offline_access"), "getUserInfo", true));
    Identity again = logIn(withUserInfo, OFFLINE);
    assertThat(withUserInfo.refresh(OFFLINE, again).username()).isEqualTo("Upstream User");
  }

  @Test
  void connectorDataIsReadAsDexWritesIt() throws Exception {
    // Dex's TestRefresh connector data: "asdf" is the base64 of three bytes.
    assertThat(
            LoginData.readRefreshToken(
                "{\"RefreshToken\":\"asdf\"}".getBytes(StandardCharsets.UTF_8)))
        .hasSize(3);
    assertThat(
            LoginData.readRefreshToken("{\"refreshtoken\":null}".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
    OidcConnector connector = open(config());
    Identity empty =
        new Identity("u", "n", "", "", false, List.of(), "{}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> connector.refresh(OFFLINE, empty))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("refresh token is not set");
    Identity garbage = new Identity("u", "n", "", "", false, List.of(), new byte[] {'x'});
    assertThatThrownBy(() -> connector.refresh(OFFLINE, garbage))
        .isInstanceOf(IdentityException.class)
        .hasMessageStartingWith("oidc: failed to unmarshal connector data");
  }

  @Test
  void anUpstreamThatFailsOrVanishesIsAnIdentityErrorNotAHang() throws Exception {
    OidcConnector connector = open(config("basicAuthUnsupported", true));
    Identity identity = logIn(connector, OFFLINE);

    upstream.fault(UpstreamLogin.TOKEN, UpstreamIssuer.Fault.SERVER_ERROR);
    assertThatThrownBy(() -> connector.refresh(OFFLINE, identity))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("HTTP 500");

    upstream.fault(UpstreamLogin.TOKEN, UpstreamIssuer.Fault.NONE);
    LoginRedirect redirect = connector.loginUrl(ONLINE, CALLBACK, "s");
    Map<String, String> callback = browse(redirect);
    upstream.close();
    long started = System.nanoTime();
    assertThatThrownBy(() -> connector.handleCallback(ONLINE, redirect.connectorData(), callback))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("oidc: failed to get token");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void theLoginKeysAreChecked() {
    OidcConnectorFactory factory = new OidcConnectorFactory(clock, TestConnectors.FAST);
    assertThat(factory.validate(TestConnectors.json(config("pkceChallenge", "S512"))))
        .containsExactly(
            "oidc: config key \"pkceChallenge\" must be S256 or plain (or unset to use what the"
                + " upstream advertises), got \"S512\"");
    assertThat(factory.validate(TestConnectors.json(config("redirectURI", "/callback"))))
        .containsExactly("oidc: config key \"redirectURI\" must be an absolute http(s) URL");
    assertThat(factory.validate(TestConnectors.json(config("pkceChallenge", "plain")))).isEmpty();
  }
}
