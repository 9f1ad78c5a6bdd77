package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.AccessTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.AuthorizationCodeValidator;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.ferry.testing.Browser;
import dev.ferry.testing.Browser.Viewport;
import dev.ferry.testing.LoopbackHttpServer;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.token.SubjectCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * People's login in a real browser (Debian's headless Chromium through Selenium) against a whole
 * Ferry started from Dex's YAML: an authorization request with PKCE from a client whose {@code
 * redirect_uri} is a small listener in the test, the connector choice between the password database
 * and an upstream OpenID Connect provider (in-process, approving every login), the password form,
 * the approval page, and the code redeemed at {@code /token} with the ID token verified against
 * {@code /keys}.
 *
 * <p>The screenshots in {@code docs/screenshots/} ({@code login}, {@code password}, {@code
 * approval}, {@code error}, each also {@code -phone}) are taken here, from the real flow. They are
 * taken in the keyboard-only walks, so no mouse pointer leaves a hover style on them, and nothing
 * on screen varies between runs (ports, ids and codes are only in URLs and hidden fields).
 */
class BrowserLoginEndToEndTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String EMAIL = "jane@example.com";
  private static final String USER_ID = "08a8684b-db88-4b73-90a9-3cd1661f5466";
  private static final ClientID APP = new ClientID("example-app");
  private static final Secret APP_SECRET = new Secret("example-app-secret");
  private static final Scope SCOPE = new Scope("openid", "email", "profile", "groups");
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir static Path dir;
  private static Browser desktop;
  private static @Nullable Browser phone;
  private static UpstreamIssuer corp;
  private static LoopbackHttpServer client;
  private static RunningFerry ferry;
  private static OIDCProviderMetadata metadata;
  private static URI redirect;

  /** Every request the client's redirect URI received, as the browser sent it. */
  private static final BlockingQueue<URI> landings = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    // First, so a machine without Chromium skips before anything else starts.
    desktop = Browser.start(Viewport.DESKTOP);
    corp = UpstreamIssuer.builder().start();
    corp.login().client("ferry", "ferry-upstream-secret");
    client =
        LoopbackHttpServer.start(
            "example-app",
            false,
            exchange -> {
              if (exchange.getRequestURI().getPath().equals("/callback")) {
                // The request target is path and query; the client knows its own origin.
                landings.add(
                    URI.create(client.baseUrl() + exchange.getRequestURI().toASCIIString()));
              }
              byte[] page =
                  "<!DOCTYPE html><title>Example App</title><p>Signed in."
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
              exchange.sendResponseHeaders(200, page.length);
              exchange.getResponseBody().write(page);
              exchange.close();
            });
    redirect = URI.create(client.baseUrl() + "/callback");

    int port = RunningFerry.freePort();
    String issuer = "http://127.0.0.1:" + port + "/dex";
    String hash =
        OpenBSDBCrypt.generate(
            "2a", PASSWORD.toCharArray(), new SecureRandom().generateSeed(16), 10);
    String yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: memory
        web:
          http: ${WEB}
        frontend:
          issuer: Ferry
        oauth2:
          skipApprovalScreen: false
        enablePasswordDB: true
        staticPasswords:
        - email: "%s"
          hash: "%s"
          username: "jane"
          userID: "%s"
        connectors:
        - type: oidc
          id: corp
          name: Corp SSO
          config:
            issuer: %s
            clientID: ferry
            clientSecret: ferry-upstream-secret
            redirectURI: %s/callback
            scopes: [openid, profile, email, groups]
            insecureEnableGroups: true
        staticClients:
        - id: example-app
          name: Example App
          secret: example-app-secret
          redirectURIs: ['%s']
        """
            .formatted(EMAIL, hash, USER_ID, corp.issuer(), issuer, redirect);
    ferry = RunningFerry.start(dir, yaml, Clock.systemUTC(), issuer, port);
    metadata = OIDCProviderMetadata.resolve(new Issuer(ferry.issuer));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {desktop, phone, ferry, client, corp}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // Closing the rest matters more.
        }
      }
    }
  }

  @BeforeEach
  void forgetLandings() {
    landings.clear();
  }

  private static Browser browser(Viewport viewport) {
    if (viewport == Viewport.DESKTOP) {
      return desktop;
    }
    if (phone == null) {
      phone = Browser.start(Viewport.PHONE);
    }
    return phone;
  }

  /** What the client sent and must send again at /token. */
  private record Attempt(State state, Nonce nonce, CodeVerifier verifier) {}

  /** Opens a fresh authorization request (code, PKCE S256, nonce) at the connector choice. */
  private static Attempt begin(Browser browser) throws Exception {
    Attempt attempt = new Attempt(new State(), new Nonce(), new CodeVerifier());
    AuthenticationRequest request =
        new AuthenticationRequest.Builder(new ResponseType("code"), SCOPE, APP, redirect)
            .endpointURI(metadata.getAuthorizationEndpointURI())
            .state(attempt.state())
            .nonce(attempt.nonce())
            .codeChallenge(attempt.verifier(), CodeChallengeMethod.S256)
            .build();
    browser.open(request.toURI().toString());
    await(browser, heading("Sign in to Ferry"));
    assertThat(browser.driver().findElements(By.cssSelector("ul.choices a")))
        .extracting(WebElement::getText)
        .containsExactly("Continue with Corp SSO", "Continue with Email");
    return attempt;
  }

  private static void await(Browser browser, ExpectedCondition<?> condition) {
    new WebDriverWait(browser.driver(), WAIT).until(condition);
  }

  /** Waits for an element of the page a navigation leads to. */
  private static WebElement awaitElement(Browser browser, String css) {
    ExpectedCondition<@Nullable WebElement> present =
        ExpectedConditions.presenceOfElementLocated(By.cssSelector(css));
    return Objects.requireNonNull(new WebDriverWait(browser.driver(), WAIT).until(present));
  }

  private static ExpectedCondition<Boolean> heading(String text) {
    return ExpectedConditions.textToBe(By.tagName("h1"), text);
  }

  /** Keys sent to whatever has focus, as a person at a keyboard types them. */
  private static void press(Browser browser, CharSequence... keys) {
    new Actions(browser.driver()).sendKeys(keys).perform();
  }

  /** The browser's arrival at the client's redirect URI, as the client's listener received it. */
  private static URI landing(Browser browser) throws Exception {
    await(browser, ExpectedConditions.urlMatches("^" + redirect + "\\?"));
    URI landed = landings.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(landed).as("the client's redirect URI was requested").isNotNull();
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(landed.toString());
    return landed;
  }

  /** Checks the client's answer and redeems its code at /token; returns the verified claims. */
  private static IDTokenClaimsSet redeem(Attempt attempt, URI landed) throws Exception {
    AuthenticationResponse response = AuthenticationResponseParser.parse(landed);
    assertThat(response.indicatesSuccess()).as(landed.toString()).isTrue();
    assertThat(response.getState()).isEqualTo(attempt.state());
    AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
    assertThat(code).isNotNull();

    TokenResponse token =
        OIDCTokenResponseParser.parse(
            new TokenRequest.Builder(
                    metadata.getTokenEndpointURI(),
                    new ClientSecretBasic(APP, APP_SECRET),
                    new AuthorizationCodeGrant(code, redirect, attempt.verifier()))
                .build()
                .toHTTPRequest()
                .send());
    assertThat(token.indicatesSuccess())
        .as(String.valueOf(token.toHTTPResponse().getBody()))
        .isTrue();
    var tokens = ((OIDCTokenResponse) token.toSuccessResponse()).getOIDCTokens();
    IDTokenClaimsSet claims =
        new IDTokenValidator(
                metadata.getIssuer(), APP, JWSAlgorithm.RS256, metadata.getJWKSetURI().toURL())
            .validate(tokens.getIDToken(), attempt.nonce());
    AccessTokenValidator.validate(
        tokens.getAccessToken(), JWSAlgorithm.RS256, claims.getAccessTokenHash());
    AuthorizationCodeValidator.validate(code, JWSAlgorithm.RS256, claims.getCodeHash());
    return claims;
  }

  private static void assertJane(IDTokenClaimsSet claims) throws Exception {
    assertThat(claims.getSubject().getValue()).isEqualTo(SubjectCodec.encode(USER_ID, "local"));
    assertThat(claims.getStringClaim("email")).isEqualTo(EMAIL);
    assertThat(claims.getBooleanClaim("email_verified")).isTrue();
    assertThat(claims.getStringClaim("name")).isEqualTo("jane");
  }

  private static void assertApprovalPage(Browser browser, String user) {
    await(browser, heading("Allow Example App?"));
    assertThat(browser.find("main").getText()).contains("You are signed in as " + user);
    assertThat(browser.driver().findElements(By.cssSelector("ul.scopes li")))
        .extracting(WebElement::getText)
        .containsExactly(
            "See the groups you belong to",
            "See your email address",
            "See your name and basic profile");
  }

  @Test
  void passwordLoginWithAWrongPasswordFirstThenApprovalThenTheCodeIsRedeemed() throws Exception {
    Attempt attempt = begin(desktop);
    desktop.driver().findElement(By.linkText("Continue with Email")).click();
    awaitElement(desktop, "input#password");
    assertThat(desktop.find("label[for=login]").getText()).isEqualTo("Email Address");

    desktop.find("#login").sendKeys(EMAIL);
    desktop.find("#password").sendKeys("not the password");
    desktop.find("button[type=submit]").click();
    WebElement alert = awaitElement(desktop, "[role=alert]");
    assertThat(alert.getText())
        .isEqualTo("Those sign-in details were not accepted. Check them and try again.");
    // Dex keeps the username and asks for the password again.
    assertThat(desktop.find("#login").getDomProperty("value")).isEqualTo(EMAIL);
    assertThat(desktop.find("#password").getDomProperty("value")).isEmpty();
    assertThat(landings).isEmpty();

    desktop.find("#password").sendKeys(PASSWORD);
    desktop.find("button[type=submit]").click();
    assertApprovalPage(desktop, "jane");
    desktop.driver().findElement(By.xpath("//button[normalize-space()='Allow']")).click();

    assertJane(redeem(attempt, landing(desktop)));
  }

  @Test
  void choosingTheUpstreamProviderGoesThereAndComesBackThroughFerrysCallback() throws Exception {
    Attempt attempt = begin(desktop);
    desktop.driver().findElement(By.linkText("Continue with Corp SSO")).click();

    // The upstream approved at once and sent the browser back to Ferry's /callback.
    assertApprovalPage(desktop, "Upstream User");
    Map<String, String> upstream = corp.login().lastAuthorizeQuery();
    assertThat(upstream)
        .containsEntry("client_id", "ferry")
        .containsEntry("redirect_uri", ferry.issuer + "/callback")
        .containsEntry("response_type", "code");
    desktop.driver().findElement(By.xpath("//button[normalize-space()='Allow']")).click();

    IDTokenClaimsSet claims = redeem(attempt, landing(desktop));
    assertThat(claims.getSubject().getValue())
        .isEqualTo(SubjectCodec.encode("upstream-user-1", "corp"));
    assertThat(claims.getStringClaim("email")).isEqualTo("user@upstream.example");
    assertThat(claims.getStringClaim("name")).isEqualTo("Upstream User");
    assertThat(claims.getStringListClaim("groups")).containsExactly("upstream-admins");
  }

  /**
   * Denying on the approval page sends the browser back to the client with RFC 6749 §4.1.2.1's
   * {@code access_denied} and the client's {@code state} (Dex shows a 500 page instead; see
   * docs/differences-from-dex.md). An authorization request Ferry must not redirect, one with an
   * unregistered {@code redirect_uri}, ends on the error page, which is the screenshot.
   */
  @ParameterizedTest
  @EnumSource(Viewport.class)
  void denyingTheApprovalTellsTheClientAndABadRequestEndsOnTheErrorPage(Viewport viewport)
      throws Exception {
    Browser browser = browser(viewport);
    Attempt attempt = begin(browser);
    press(browser, Keys.TAB, Keys.TAB, Keys.ENTER);
    awaitElement(browser, "input#password");
    press(browser, EMAIL, Keys.TAB, PASSWORD, Keys.ENTER);
    assertApprovalPage(browser, "jane");
    press(browser, Keys.TAB);
    assertThat(browser.focused()).isEqualTo("button:Allow");
    press(browser, Keys.TAB);
    assertThat(browser.focused()).isEqualTo("button:Deny");
    press(browser, Keys.ENTER);

    AuthenticationResponse denied = AuthenticationResponseParser.parse(landing(browser));
    assertThat(denied.indicatesSuccess()).isFalse();
    assertThat(denied.getState()).isEqualTo(attempt.state());
    assertThat(denied.toErrorResponse().getErrorObject().getCode()).isEqualTo("access_denied");

    browser.open(
        ferry.issuer
            + "/auth?client_id=example-app&connector_id=local&response_type=code&scope=openid&state=s"
            + "&redirect_uri=https%3A%2F%2Fevil.example%2Fcallback");
    await(browser, heading("Bad Request"));
    assertThat(browser.find("[role=alert]").getText()).isEqualTo("Unregistered redirect_uri.");
    assertThat(landings).isEmpty();
    browser.screenshot(viewport == Viewport.DESKTOP ? "error" : "error-phone");
  }

  /**
   * The whole password login with Tab and Enter only, no pointer: the connector choice, the form
   * (the email field has focus when it loads) and Allow. Writes the screenshots of each page.
   */
  @ParameterizedTest
  @EnumSource(Viewport.class)
  void aPasswordLoginWithTheKeyboardAlone(Viewport viewport) throws Exception {
    Browser browser = browser(viewport);
    String suffix = viewport == Viewport.DESKTOP ? "" : "-phone";
    Attempt attempt = begin(browser);
    browser.screenshot("login" + suffix);
    press(browser, Keys.TAB);
    assertThat(browser.focused()).isEqualTo("a:Continue with Corp SSO");
    press(browser, Keys.TAB);
    assertThat(browser.focused()).isEqualTo("a:Continue with Email");
    press(browser, Keys.ENTER);
    awaitElement(browser, "input#password");
    assertThat(browser.focused()).isEqualTo("input#login");
    assertThat(browser.unlabelledControls()).isEmpty();
    browser.screenshot("password" + suffix);

    press(browser, EMAIL, Keys.TAB, PASSWORD, Keys.ENTER);
    assertApprovalPage(browser, "jane");
    browser.screenshot("approval" + suffix);

    press(browser, Keys.TAB);
    assertThat(browser.focused()).isEqualTo("button:Allow");
    press(browser, Keys.ENTER);
    assertJane(redeem(attempt, landing(browser)));
  }
}
