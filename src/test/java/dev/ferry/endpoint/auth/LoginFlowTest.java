package dev.ferry.endpoint.auth;

import static dev.ferry.endpoint.auth.FlowClient.REDIRECT;
import static dev.ferry.endpoint.auth.FlowClient.authPath;
import static dev.ferry.endpoint.auth.FlowClient.codeRequest;
import static dev.ferry.endpoint.auth.FlowClient.location;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.ferry.connector.CallbackConnector;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.mock.MockCallbackConnector;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.AuthCode;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Pkce;
import dev.ferry.storage.UserConnectorKey;
import dev.ferry.web.Pages;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole browser flow through real HTTP, up to the client's code or tokens, with Dex's test
 * connectors (Dex: server/server_login_test.go, server_approval_test.go, server_flow_test.go,
 * server_errors_test.go; the flow as server/authflow runs it with sessions off).
 */
class LoginFlowTest {
  private static final Client WEB =
      Client.of("web", "secret", "Web App").withRedirectUris(List.of(REDIRECT));
  private static final dev.ferry.storage.Connector PASSWORD =
      new dev.ferry.storage.Connector(
          "pw",
          "mockPassword",
          "Password",
          "1",
          "{\"username\": \"foo\", \"password\": \"password\"}",
          List.of());

  private static WebFixture fixture(boolean skipApproval, Client... clients) throws Exception {
    return WebFixture.builder()
        .setup(s -> {
          s.clients().create(WEB);
          s.clients()
              .create(
                  Client.of("pwweb", "secret", "PW")
                      .withRedirectUris(List.of(REDIRECT))
                      .withAllowedConnectors(List.of("pw")));
          for (Client c : clients) {
            s.clients().create(c);
          }
          s.connectors().create(PASSWORD);
        })
        .auth(settings(skipApproval, List.of("code", "token", "id_token")))
        .build();
  }

  private static UnaryOperator<AuthSettings> settings(boolean skip, List<String> types) {
    return s ->
        new AuthSettings(
            s.issuerUrl(), types, false, s.pkceMethods(), false, skip, s.authRequestsValidFor());
  }

  @Test
  void mockCallbackLoginEndsWithACodeCarryingDexsFields() throws Exception {
    try (WebFixture f = fixture(true)) {
      FlowClient browser = new FlowClient(f);
      Map<String, String> params = codeRequest("web");
      params.put("connector_id", "mock");
      params.put("nonce", "n-0");
      params.put("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
      params.put("code_challenge_method", "S256");
      HttpResponse<String> first = browser.get(authPath("/auth", params));
      assertThat(first.statusCode()).isEqualTo(302);
      assertThat(location(first)).startsWith("/dex/auth/mock?").doesNotContain("connector_id");
      HttpResponse<String> done = browser.run(first);
      assertThat(done.statusCode()).isEqualTo(303);
      String to = location(done);
      assertThat(to).startsWith(REDIRECT + "?code=");
      Map<String, String> q = FlowClient.query(to);
      assertThat(q).containsEntry("state", "xyz").containsOnlyKeys("code", "state");

      AuthCode code = f.storage.authCodes().get(q.getOrDefault("code", "")).orElseThrow();
      assertThat(code.clientId()).isEqualTo("web");
      assertThat(code.redirectUri()).isEqualTo(REDIRECT);
      assertThat(code.nonce()).isEqualTo("n-0");
      assertThat(code.scopes()).containsExactly("openid", "email", "profile");
      assertThat(code.connectorId()).isEqualTo("mock");
      assertThat(new String(code.connectorData(), StandardCharsets.UTF_8)).isEqualTo("foobar");
      Claims claims = code.claims();
      assertThat(claims.userId()).isEqualTo(MockCallbackConnector.IDENTITY.userId());
      assertThat(claims.email()).isEqualTo("kilgore@kilgore.trout");
      assertThat(claims.groups()).containsExactly("authors");
      assertThat(code.pkce())
          .isEqualTo(new Pkce("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"));
      assertThat(code.authTime()).isNotNull();
      assertThat(Duration.between(code.authTime(), code.expiry()))
          .isBetween(Duration.ofMinutes(30), Duration.ofMinutes(31));
      assertThat(code.sessionId()).isEmpty();
      // The auth request answered once and is gone.
      assertThat(f.storage.authRequests().list()).isEmpty();
    }
  }

  @Test
  void passwordLoginShowsTheFormRefusesWrongCredentialsAndThenIssues() throws Exception {
    try (WebFixture f = fixture(true)) {
      FlowClient browser = new FlowClient(f);
      HttpResponse<String> toForm =
          browser.run(browser.get(authPath("/auth", codeRequest("pwweb"))));
      assertThat(toForm.statusCode()).isEqualTo(200);
      Pages.PasswordPage form = f.pages.last("password", Pages.PasswordPage.class);
      AuthRequest stored = f.storage.authRequests().list().get(0);
      assertThat(form.postUrl()).startsWith("/dex/auth/pw/login?").contains("state=" + stored.id());
      assertThat(form.usernamePrompt()).isEqualTo("Username");
      assertThat(form.invalid()).isFalse();
      // Two connectors exist, so the form links back to the choice with the same request.
      assertThat(form.backLink()).startsWith("/dex/auth?").contains("client_id=pwweb");

      HttpResponse<String> wrong =
          browser.post(form.postUrl(), Map.of("login", "foo", "password", "nope"));
      assertThat(wrong.statusCode()).isEqualTo(401);
      Pages.PasswordPage again = f.pages.last("password", Pages.PasswordPage.class);
      assertThat(again.invalid()).isTrue();
      assertThat(again.username()).isEqualTo("foo");
      assertThat(f.storage.authRequests().get(stored.id()).orElseThrow().loggedIn()).isFalse();

      HttpResponse<String> right =
          browser.post(form.postUrl(), Map.of("login", "foo", "password", "password"));
      assertThat(right.statusCode()).isEqualTo(303);
      assertThat(location(right)).startsWith("/dex/auth?hmac=");
      HttpResponse<String> done = browser.run(right);
      assertThat(location(done)).startsWith(REDIRECT + "?code=");
    }
  }

  @Test
  void approvalPageThenApproveIssuesAndASecondSubmitIsRefused() throws Exception {
    try (WebFixture f = fixture(false)) {
      FlowClient browser = new FlowClient(f);
      HttpResponse<String> page =
          browser.run(browser.get(authPath("/auth/mock", codeRequest("web"))));
      assertThat(page.statusCode()).isEqualTo(200);
      Pages.ApprovalPage approval = f.pages.last("approval", Pages.ApprovalPage.class);
      assertThat(approval.postUrl()).isEqualTo("/dex/approval");
      assertThat(approval.username()).isEqualTo("Kilgore Trout");
      assertThat(approval.clientName()).isEqualTo("Web App");
      assertThat(approval.scopes()).containsExactly("openid", "email", "profile");
      Map<String, String> form =
          Map.of("approval", "approve", "req", approval.authRequestId(), "hmac", approval.hmac());

      // Forged or mismatched posts are refused and change nothing.
      assertThat(
              browser
                  .post(
                      "/dex/approval",
                      Map.of("approval", "approve", "req", approval.authRequestId()))
                  .statusCode())
          .isEqualTo(401);
      assertThat(
              browser
                  .post(
                      "/dex/approval",
                      Map.of("approval", "approve", "req", approval.authRequestId(), "hmac", "AQ"))
                  .statusCode())
          .isEqualTo(401);
      assertThat(f.pages.last("error", String.class)).isEqualTo("Unauthorized request");

      HttpResponse<String> approved = browser.post("/dex/approval", form);
      assertThat(approved.statusCode()).isEqualTo(303);
      assertThat(location(approved)).startsWith("/dex/auth?hmac=");
      HttpResponse<String> done = browser.run(approved);
      assertThat(location(done)).startsWith(REDIRECT + "?code=");

      HttpResponse<String> second = browser.post("/dex/approval", form);
      assertThat(second.statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class)).isEqualTo("User session error.");
      // The "approved" redirect replayed after the answer finds nothing either.
      assertThat(browser.follow(location(approved)).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void refusingApprovalIsAccessDeniedToTheClientAndEndsTheLogin() throws Exception {
    try (WebFixture f = fixture(false)) {
      FlowClient browser = new FlowClient(f);
      browser.run(browser.get(authPath("/auth/mock", codeRequest("web"))));
      Pages.ApprovalPage approval = f.pages.last("approval", Pages.ApprovalPage.class);
      HttpResponse<String> rejected =
          browser.post(
              "/dex/approval",
              Map.of(
                  "approval",
                  "rejected",
                  "req",
                  approval.authRequestId(),
                  "hmac",
                  approval.hmac()));
      // Dex: a 500 "Approval rejected." page. RFC 6749 §4.1.2.1: the client hears the refusal.
      assertThat(rejected.statusCode()).isEqualTo(303);
      assertThat(location(rejected)).startsWith(REDIRECT + "?");
      assertThat(FlowClient.query(location(rejected)))
          .containsEntry("error", "access_denied")
          .containsEntry("error_description", "The user denied the request.")
          .containsEntry("state", "xyz");
      assertThat(f.storage.authCodes().list()).isEmpty();
      assertThat(f.storage.authRequests().list()).isEmpty();
      // The login cannot be resumed with the same form, approving this time.
      HttpResponse<String> again =
          browser.post(
              "/dex/approval",
              Map.of(
                  "approval", "approve", "req", approval.authRequestId(), "hmac", approval.hmac()));
      assertThat(again.statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class)).isEqualTo("User session error.");
    }
  }

  /**
   * Ferry keeps no login sessions, so a silent login cannot succeed: {@code prompt=none} is Dex's
   * answer when its sessions feature finds no session, before any page (Dex: login.go).
   */
  @ParameterizedTest(name = "{0} skipApproval={1}")
  @CsvSource({
    "/auth/mock, false",
    "/auth/mock, true",
    "/auth/pw, true",
    "/auth, true",
    "/auth, false",
  })
  void promptNoneIsLoginRequiredBeforeAnyPage(String path, boolean skip) throws Exception {
    try (WebFixture f = fixture(skip)) {
      FlowClient browser = new FlowClient(f);
      Map<String, String> params = codeRequest("web");
      params.put("prompt", "none");
      HttpResponse<String> done = browser.run(browser.get(authPath(path, params)));
      assertThat(done.statusCode()).isEqualTo(303);
      assertThat(location(done)).startsWith(REDIRECT + "?");
      assertThat(FlowClient.query(location(done)))
          .containsEntry("error", "login_required")
          .containsEntry("error_description", "User not authenticated")
          .containsEntry("state", "xyz");
      assertThat(f.pages.rendered).isEmpty();
      assertThat(f.storage.authRequests().list()).isEmpty();
      assertThat(f.storage.authCodes().list()).isEmpty();
      // A bad request under prompt=none still gets its own error first.
      params.put("scope", "email");
      HttpResponse<String> bad = browser.run(browser.get(authPath(path, params)));
      assertThat(FlowClient.query(location(bad))).containsEntry("error", "invalid_scope");
    }
  }

  /**
   * Dex: TestHandlePasswordLoginWithSkipApproval and TestHandleConnectorCallbackWithSkipApproval.
   */
  @ParameterizedTest(name = "{0} via {1}")
  @CsvSource({
    "Force approval, pw, false, true, '', approval, false",
    "Skip approval by server config, pw, true, true, '', approval, false",
    "No skip, pw, false, false, '', approval, false",
    "Skip approval, pw, true, false, '', client, false",
    "Force approval and refresh token, pw, false, true, offline_access, approval, true",
    "Skip approval and refresh token, pw, true, false, offline_access, client, true",
    "Force approval, mock, false, true, '', approval, false",
    "Skip approval by server config, mock, true, true, '', approval, false",
    "Skip approval, mock, true, false, '', client, false",
    "Skip approval and refresh token, mock, true, false, offline_access, client, true",
  })
  void skipApprovalAndOfflineSessions(
      String name,
      String connector,
      boolean skip,
      boolean force,
      String scope,
      String expected,
      boolean offlineSession)
      throws Exception {
    try (WebFixture f = fixture(skip)) {
      AuthRequest seeded =
          new AuthRequest(
              "test",
              "web",
              List.of("code"),
              scope.isEmpty() ? List.of() : List.of(scope),
              REDIRECT,
              "",
              "",
              force,
              WebFixture.START.plusSeconds(100),
              false,
              Claims.EMPTY,
              connector,
              new byte[0],
              Pkce.NONE,
              "k".getBytes(StandardCharsets.US_ASCII),
              "",
              -1,
              null,
              false,
              new byte[0]);
      f.storage.authRequests().create(seeded);
      FlowClient browser = new FlowClient(f);
      HttpResponse<String> login =
          connector.equals("pw")
              ? browser.post(
                  "/dex/auth/pw/login?state=test&back=",
                  Map.of("login", "foo", "password", "password"))
              : browser.get("/callback?state=test&code=x");
      assertThat(login.statusCode()).isEqualTo(303);
      HttpResponse<String> end = browser.run(login);
      if (expected.equals("approval")) {
        assertThat(end.statusCode()).isEqualTo(200);
        assertThat(f.pages.rendered.get(f.pages.rendered.size() - 1).kind()).isEqualTo("approval");
      } else {
        assertThat(location(end)).startsWith(REDIRECT + "?code=");
      }
      assertThat(
              f.storage
                  .offlineSessions()
                  .get(new UserConnectorKey("0-385-28089-0", connector))
                  .isPresent())
          .isEqualTo(offlineSession);
    }
  }

  @Test
  void aNewLoginReplacesTheOfflineSessionsConnectorDataOnlyWhenItHasSome() throws Exception {
    try (WebFixture f = fixture(true)) {
      FlowClient browser = new FlowClient(f);
      Map<String, String> params = codeRequest("web");
      params.put("scope", "openid offline_access");
      browser.run(browser.get(authPath("/auth/mock", params)));
      UserConnectorKey key = new UserConnectorKey("0-385-28089-0", "mock");
      OfflineSessions first = f.storage.offlineSessions().get(key).orElseThrow();
      assertThat(new String(first.connectorData(), StandardCharsets.UTF_8)).isEqualTo("foobar");
      assertThat(first.refresh()).isEmpty();
      f.storage
          .offlineSessions()
          .update(
              key,
              o ->
                  new OfflineSessions(
                      o.userId(), o.connId(), o.refresh(), "old".getBytes(StandardCharsets.UTF_8)));
      browser.run(browser.get(authPath("/auth/mock", params)));
      assertThat(
              new String(
                  f.storage.offlineSessions().get(key).orElseThrow().connectorData(),
                  StandardCharsets.UTF_8))
          .isEqualTo("foobar");
    }
  }

  @Test
  void implicitAndHybridFlowsAnswerInTheFragment() throws Exception {
    try (WebFixture f = fixture(true)) {
      FlowClient browser = new FlowClient(f);
      Map<String, String> implicit = codeRequest("web");
      implicit.put("response_type", "id_token token");
      implicit.put("nonce", "n-1");
      String to = location(browser.run(browser.get(authPath("/auth/mock", implicit))));
      assertThat(to).startsWith(REDIRECT + "#");
      Map<String, String> frag = FlowClient.fragment(to);
      assertThat(frag)
          .containsOnlyKeys("access_token", "token_type", "expires_in", "state", "id_token");
      assertThat(frag).containsEntry("token_type", "bearer").containsEntry("state", "xyz");
      long expiresIn = Long.parseLong(frag.get("expires_in"));
      assertThat(expiresIn).isBetween(86_390L, 86_400L);
      var idToken = SignedJWT.parse(frag.get("id_token")).getJWTClaimsSet();
      assertThat(idToken.getStringClaim("nonce")).isEqualTo("n-1");
      assertThat(idToken.getStringClaim("at_hash")).isNotEmpty();
      assertThat(idToken.getAudience()).containsExactly("web");
      assertThat(f.storage.authCodes().list()).isEmpty();

      Map<String, String> hybrid = codeRequest("web");
      hybrid.put("response_type", "code id_token");
      Map<String, String> h =
          FlowClient.fragment(location(browser.run(browser.get(authPath("/auth/mock", hybrid)))));
      assertThat(h).containsOnlyKeys("code", "id_token", "state");
      var hybridToken = SignedJWT.parse(h.get("id_token")).getJWTClaimsSet();
      assertThat(hybridToken.getStringClaim("c_hash")).isNotEmpty();
      assertThat(f.storage.authCodes().get(h.getOrDefault("code", ""))).isPresent();
    }
  }

  @Test
  void theOutOfBandRedirectShowsTheCode() throws Exception {
    Client cli = Client.of("cli", "", "CLI").withPublic(true);
    try (WebFixture f = fixture(true, cli)) {
      FlowClient browser = new FlowClient(f);
      Map<String, String> params = codeRequest("cli");
      params.put("redirect_uri", RedirectUris.OOB);
      HttpResponse<String> page = browser.run(browser.get(authPath("/auth/mock", params)));
      assertThat(page.statusCode()).isEqualTo(200);
      String code = f.pages.last("oob", String.class);
      assertThat(f.storage.authCodes().get(code).orElseThrow().redirectUri())
          .isEqualTo(RedirectUris.OOB);
    }
  }

  /** Dex: server_flow_test.go TestFlowStepsRequireHMAC, and an expired request. */
  @Test
  void theDispatcherRequiresTheStepsHmacAndAnUnexpiredRequest() throws Exception {
    try (WebFixture f = fixture(true)) {
      AuthRequest a = loggedIn("flow-hmac-test", WebFixture.START.plusSeconds(60));
      f.storage.authRequests().create(a);
      FlowClient browser = new FlowClient(f);
      assertThat(browser.get("/auth?req=" + a.id()).statusCode()).isEqualTo(401);
      assertThat(
              browser
                  .get("/auth?req=" + a.id() + "&hmac=" + FlowStep.APPROVAL.sign(a))
                  .statusCode())
          .isEqualTo(401);
      assertThat(browser.get("/auth?req=nope&hmac=AQ").statusCode()).isEqualTo(400);
      HttpResponse<String> ok = browser.follow(FlowStep.APPROVED.url("/dex/auth", a));
      assertThat(ok.statusCode()).isEqualTo(303);
      assertThat(location(ok)).startsWith(REDIRECT + "?code=");

      AuthRequest expired = loggedIn("expired", WebFixture.START.minusSeconds(1));
      f.storage.authRequests().create(expired);
      HttpResponse<String> late = browser.follow(FlowStep.CONTINUE.url("/dex/auth", expired));
      assertThat(late.statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class)).isEqualTo("User session has expired.");
      assertThat(f.storage.authCodes().list()).hasSize(1);

      AuthRequest notLoggedIn =
          new AuthRequest(
              "fresh",
              "web",
              List.of("code"),
              List.of("openid"),
              REDIRECT,
              "",
              "",
              false,
              WebFixture.START.plusSeconds(60),
              false,
              Claims.EMPTY,
              "mock",
              new byte[0],
              Pkce.NONE,
              "k".getBytes(StandardCharsets.US_ASCII),
              "",
              -1,
              null,
              false,
              new byte[0]);
      f.storage.authRequests().create(notLoggedIn);
      assertThat(browser.follow(FlowStep.CONTINUE.url("/dex/auth", notLoggedIn)).statusCode())
          .isEqualTo(500);
      assertThat(browser.get("/approval?req=fresh&hmac=AQ").statusCode()).isEqualTo(500);
      assertThat(f.pages.last("error", String.class)).isEqualTo("Login process not yet finalized.");
    }
  }

  /** Dex: server_login_test.go TestHandleInvalidOAuth2Callbacks, TestHandleInvalidSAMLCallbacks. */
  @Test
  void invalidCallbacksAreBadRequests() throws Exception {
    try (WebFixture f = fixture(true)) {
      FlowClient browser = new FlowClient(f);
      for (String path :
          List.of("/callback", "/callback?code=&state=", "/callback?code=AAAAAAA&state=BBBBBBB")) {
        assertThat(browser.get(path).statusCode()).as(path).isEqualTo(400);
      }
      assertThat(f.postRaw("/callback", "{}", "application/json").statusCode()).isEqualTo(400);
      assertThat(f.postForm("/callback", Map.of("RelayState", "AAAAAAA")).statusCode())
          .isEqualTo(400);
      // A callback for another connector than the login started with.
      f.storage.authRequests().create(loggedIn("started", WebFixture.START.plusSeconds(60)));
      assertThat(browser.get("/callback/pw?state=started").statusCode()).isEqualTo(400);
      assertThat(browser.get("/callback/mock?state=started").statusCode()).isEqualTo(303);
      // The state of a password login is no callback's (Dex: 500).
      browser.run(browser.get(authPath("/auth/pw", codeRequest("web"))));
      String pwState = f.pages.last("password", Pages.PasswordPage.class).postUrl();
      pwState = FlowClient.query("http://x" + pwState).get("state");
      for (String path : List.of("/callback?state=" + pwState, "/callback/pw?state=" + pwState)) {
        assertThat(browser.get(path).statusCode()).as(path).isEqualTo(400);
        assertThat(f.pages.last("error", String.class))
            .isEqualTo("Requested resource does not exist.");
      }
      // The password form of a request that started elsewhere.
      assertThat(browser.get("/auth/pw/login?state=started").statusCode()).isEqualTo(400);
      assertThat(browser.get("/auth/pw/login").statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class)).isEqualTo("User session error.");
    }
  }

  /** Dex answers each of these with a 500 "Authentication failed." page. */
  @Test
  void anUpstreamErrorIsAccessDeniedToTheClient() throws Exception {
    try (WebFixture f = fixture(true)) {
      FlowClient browser = new FlowClient(f);
      HttpResponse<String> toUpstream = browser.get(authPath("/auth/mock", codeRequest("web")));
      String callback = location(toUpstream);
      assertThat(callback).contains("/callback?state=");
      HttpResponse<String> declined =
          browser.follow(callback + "&error=access_denied&error_description=User+said+no");
      assertThat(declined.statusCode()).isEqualTo(303);
      assertThat(location(declined)).startsWith(REDIRECT + "?");
      assertThat(FlowClient.query(location(declined)))
          .containsEntry("error", "access_denied")
          .containsEntry(
              "error_description", "The identity provider refused the login: \"access_denied\".")
          .containsEntry("state", "xyz");
      assertThat(f.storage.authRequests().list()).isEmpty();
      assertThat(f.storage.authCodes().list()).isEmpty();
      // The same callback again finds no login.
      assertThat(browser.follow(callback).statusCode()).isEqualTo(400);

      // A hostile error code is quoted and cut short.
      HttpResponse<String> hostile =
          browser.follow(
              location(browser.get(authPath("/auth/mock", codeRequest("web"))))
                  + "&error="
                  + "%22%0A".repeat(100));
      assertThat(hostile.statusCode()).isEqualTo(303);
      assertThat(FlowClient.query(location(hostile)).get("error_description"))
          .isEqualTo("The identity provider refused the login: \"" + "\\\"\\n".repeat(32) + "\".");
    }
  }

  @Test
  void aCallbackTheConnectorRefusesIsABadRequest() throws Exception {
    try (WebFixture f =
        WebFixture.builder()
            .setup(s -> s.clients().create(WEB))
            .connectorsFrom(storage ->
                id -> {
                  Optional<dev.ferry.storage.Connector> definition = storage.connectors().get(id);
                  return definition.map(d -> new OpenedConnector(d, new RefusingConnector()));
                })
            .build()) {
      FlowClient browser = new FlowClient(f);
      String callback = location(browser.get(authPath("/auth/mock", codeRequest("web"))));
      for (String extra : List.of("", "&code=forged", "&code=replayed")) {
        HttpResponse<String> r = browser.follow(callback + extra);
        assertThat(r.statusCode()).as(extra).isEqualTo(400);
        assertThat(f.pages.last("error", String.class))
            .isEqualTo(
                "Authentication failed. Please contact your administrator or try again later.");
      }
      assertThat(f.storage.authCodes().list()).isEmpty();
    }
  }

  /** A callback connector whose upstream stands behind no code. */
  private static final class RefusingConnector implements CallbackConnector {
    @Override
    public LoginRedirect loginUrl(ConnectorScopes scopes, String callbackUrl, String state) {
      return new LoginRedirect(callbackUrl + "?state=" + state, new byte[0]);
    }

    @Override
    public Identity handleCallback(
        ConnectorScopes scopes, byte[] connectorData, Map<String, String> query)
        throws IdentityException {
      throw new IdentityException("oidc: failed to get token: invalid_grant");
    }
  }

  @Test
  void badInputIsAnErrorPageNeverAServerError() throws Exception {
    try (WebFixture f = fixture(true)) {
      FlowClient browser = new FlowClient(f);
      Map<String, String> params = codeRequest("web");
      assertThat(browser.get(authPath("/auth/nope", params)).statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class)).isEqualTo("Connector failed to initialize");
      assertThat(browser.get(authPath("/auth/pw", codeRequest("web"))).statusCode()).isEqualTo(302);
      assertThat(browser.get(authPath("/auth/mock", codeRequest("pwweb"))).statusCode())
          .isEqualTo(403);
      assertThat(
              f.raw(
                  "GET /dex/auth/mo%zzck?" + WebFixture.encode(params) + " HTTP/1.1", new byte[0]))
          .startsWith("HTTP/1.1 400");
      assertThat(f.raw("GET /dex/auth?client_id=%zz HTTP/1.1", new byte[0]))
          .startsWith("HTTP/1.1 400");
      String big = "x".repeat(3 << 20);
      HttpResponse<String> huge =
          f.postRaw("/auth", "client_id=" + big, "application/x-www-form-urlencoded");
      assertThat(huge.statusCode()).isBetween(400, 499);
      HttpResponse<String> longState =
          browser.get(
              authPath(
                  "/auth/mock",
                  Map.of(
                      "client_id",
                      "web",
                      "state",
                      "s".repeat(6000),
                      "redirect_uri",
                      REDIRECT,
                      "response_type",
                      "code",
                      "scope",
                      "openid")));
      assertThat(longState.statusCode()).isBetween(300, 499);
      assertThat(f.storage.authCodes().list()).isEmpty();
    }
  }

  private static AuthRequest loggedIn(String id, Instant expiry) {
    return new AuthRequest(
        id,
        "web",
        List.of("code"),
        List.of("openid"),
        REDIRECT,
        "",
        "st",
        false,
        expiry,
        true,
        new Claims("u1", "", "", "", false, List.of()),
        "mock",
        new byte[0],
        Pkce.NONE,
        (id + "-key").getBytes(StandardCharsets.US_ASCII),
        "",
        -1,
        WebFixture.START,
        false,
        new byte[0]);
  }
}
