package dev.ferry.endpoint.auth;

import static dev.ferry.endpoint.auth.FlowClient.REDIRECT;
import static dev.ferry.endpoint.auth.FlowClient.codeRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Client;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every check of the authorization request, through real HTTP at {@code /auth/{connector}} where it
 * is parsed (Dex: server/authflow/request_test.go TestParseAuthorizationRequest,
 * TestParseAuthorizationRequest_IDTokenHint, TestValidateIDTokenHint): which errors are shown as a
 * page, which go back to the client, with Dex's codes and texts; and what a valid request stores.
 */
class AuthorizationRequestTest {

  private static final Client WEB =
      Client.of("web", "secret", "Web").withRedirectUris(List.of(REDIRECT));

  private static WebFixture fixture(UnaryOperator<AuthSettings> auth) throws Exception {
    return WebFixture.builder()
        .setup(s -> {
          s.clients().create(WEB);
          s.clients().create(Client.of("peer", "s", "Peer").withTrustedPeers(List.of("web")));
          s.clients().create(Client.of("stranger", "s", "Stranger"));
          s.connectors()
              .create(
                  new dev.ferry.storage.Connector(
                      "mock2", "mockCallback", "Mock 2", "1", "{}", List.of()));
        })
        .auth(auth)
        .build();
  }

  private static AuthSettings allTypes(AuthSettings s) {
    return new AuthSettings(
        s.issuerUrl(),
        List.of("code", "token", "id_token"),
        s.pkceEnforce(),
        s.pkceMethods(),
        s.alwaysShowLoginScreen(),
        s.skipApprovalScreen(),
        s.authRequestsValidFor());
  }

  private static HttpResponse<String> start(WebFixture f, Consumer<Map<String, String>> edit)
      throws Exception {
    Map<String, String> params = codeRequest("web");
    edit.accept(params);
    return f.get(FlowClient.authPath("/auth/mock", params));
  }

  private static void assertRedirected(HttpResponse<String> r, String error, String description) {
    assertThat(r.statusCode()).isEqualTo(303);
    String location = FlowClient.location(r);
    assertThat(location).startsWith(REDIRECT + "?");
    Map<String, String> q = FlowClient.query(location);
    assertThat(q).containsEntry("error", error).containsEntry("state", "xyz");
    assertThat(q.get("error_description")).isEqualTo(description);
  }

  private static void assertShown(WebFixture f, HttpResponse<String> r, int status, String text) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Location")).isEmpty();
    assertThat(f.pages.last("error", String.class)).isEqualTo(text);
  }

  @Test
  void aValidRequestIsStoredWithDexsFieldsAndGoesToTheConnector() throws Exception {
    try (WebFixture f = fixture(AuthorizationRequestTest::allTypes)) {
      HttpResponse<String> r =
          start(
              f,
              p -> {
                p.put("nonce", "n-1");
                p.put("code_challenge", "abc");
                p.put("code_challenge_method", "S256");
                p.put(
                    "scope", "openid  email\tgroups offline_access audience:server:client_id:peer");
                p.put("prompt", "consent login");
                p.put("max_age", "+30");
              });
      assertThat(r.statusCode()).isEqualTo(302);
      List<AuthRequest> stored = f.storage.authRequests().list();
      assertThat(stored).hasSize(1);
      AuthRequest a = stored.get(0);
      assertThat(FlowClient.location(r))
          .isEqualTo("http://127.0.0.1:5556/dex/callback?state=" + a.id());
      assertThat(a.clientId()).isEqualTo("web");
      assertThat(a.connectorId()).isEqualTo("mock");
      assertThat(a.redirectUri()).isEqualTo(REDIRECT);
      assertThat(a.scopes())
          .containsExactly(
              "openid", "email", "groups", "offline_access", "audience:server:client_id:peer");
      assertThat(a.responseTypes()).containsExactly("code");
      assertThat(a.nonce()).isEqualTo("n-1");
      assertThat(a.state()).isEqualTo("xyz");
      assertThat(a.pkce().codeChallenge()).isEqualTo("abc");
      assertThat(a.pkce().codeChallengeMethod()).isEqualTo("S256");
      assertThat(a.prompt()).isEqualTo("login consent");
      assertThat(a.forceApprovalPrompt()).isTrue();
      assertThat(a.maxAge()).isEqualTo(30);
      assertThat(a.loggedIn()).isFalse();
      // Dex: storage.NewHMACKey(crypto.SHA256), a letter and 31 random bytes in unpadded base32.
      assertThat(a.hmacKey()).hasSize(51);
      assertThat(a.expiry()).isAfter(WebFixture.START.plusSeconds(24 * 3600 - 60));
    }
  }

  /**
   * Go's url.Parse refuses these loopback look-alikes (a non-numeric port, a backslash, a control
   * character, a malformed escape), so Dex shows its page (request_test.go) before any login.
   */
  @Test
  void aPublicClientsLoopbackRedirectNeedsANumericPortAndNoBackslash() throws Exception {
    try (WebFixture f =
        WebFixture.builder()
            .setup(s -> s.clients().create(Client.of("cli", "", "CLI").withPublic(true)))
            .build()) {
      for (String uri :
          List.of(
              "http://localhost:evil.com/cb",
              "http://127.0.0.1:x\\y",
              "http://localhost:80\\evil.com/",
              "http://localhost:8080/\r\nX-Injected: y",
              "http://localhost:8080/%zz")) {
        Map<String, String> params = codeRequest("cli");
        params.put("redirect_uri", uri);
        HttpResponse<String> r = f.get(FlowClient.authPath("/auth/mock", params));
        assertShown(f, r, 400, "Unregistered redirect_uri.");
      }
      Map<String, String> params = codeRequest("cli");
      params.put("redirect_uri", "http://127.0.0.1:8000/cb");
      assertThat(f.get(FlowClient.authPath("/auth/mock", params)).statusCode()).isEqualTo(302);
    }
  }

  @Test
  void aPostedRequestIsReadFromTheBody() throws Exception {
    try (WebFixture f = fixture(s -> s)) {
      // The body is parsed and checked first (its missing openid scope goes back to the client).
      Map<String, String> noOpenid = codeRequest("web");
      noOpenid.put("scope", "email");
      assertRedirected(
          f.postForm("/auth/mock", noOpenid),
          "invalid_scope",
          "Missing required scope(s) [\"openid\"].");
      HttpResponse<String> r = f.postForm("/auth/mock", codeRequest("web"));
      // Every method but GET is refused at /auth/{connector}; unlike Dex, before storing.
      assertShown(f, r, 400, "Unsupported request method.");
      assertThat(f.storage.authRequests().list()).isEmpty();
      // At /auth the body's parameters travel on to the connectors' URLs (two here: the choice).
      HttpResponse<String> atAuth = f.postForm("/auth", codeRequest("web"));
      assertThat(atAuth.statusCode()).isEqualTo(200);
      @SuppressWarnings("unchecked")
      List<dev.ferry.web.Pages.ConnectorLink> links = f.pages.last("connectorChoice", List.class);
      assertThat(links).hasSize(2);
      assertThat(links.get(0).url()).startsWith("/dex/auth/mock?client_id=web&");
    }
  }

  @Test
  void anUnknownClientOrUnregisteredRedirectIsShownNeverRedirected() throws Exception {
    try (WebFixture f = fixture(s -> s)) {
      assertShown(f, start(f, p -> p.put("client_id", "bar")), 404, "Invalid client_id.");
      assertShown(
          f,
          start(f, p -> p.put("redirect_uri", "https://evil.example/steal")),
          400,
          "Unregistered redirect_uri.");
      // A prefix, a trailing slash or another case of the registered URI is another URI.
      for (String near :
          List.of(REDIRECT + "/x", REDIRECT + "/", "HTTPS://client.example/callback", "")) {
        assertShown(
            f, start(f, p -> p.put("redirect_uri", near)), 400, "Unregistered redirect_uri.");
      }
      assertThat(f.storage.authRequests().list()).isEmpty();
    }
  }

  @Test
  void connectorIdMustExistAndBeAllowed() throws Exception {
    try (WebFixture f =
        WebFixture.builder()
            .setup(s -> s.clients().create(WEB.withAllowedConnectors(List.of("mock"))))
            .build()) {
      assertRedirected(
          start(f, p -> p.put("connector_id", "bogus")), "invalid_request", "Invalid ConnectorID");
      f.storage
          .connectors()
          .create(
              new dev.ferry.storage.Connector("other", "mockCallback", "O", "1", "{}", List.of()));
      assertRedirected(
          start(f, p -> p.put("connector_id", "other")),
          "invalid_request",
          "Connector not allowed for this client");
    }
  }

  @Test
  void eachRedirectedErrorHasDexsCodeAndText() throws Exception {
    try (WebFixture f = fixture(s -> s)) {
      assertRedirected(
          start(f, p -> p.put("request", "eyJ...")),
          "request_not_supported",
          "Server does not support request parameter.");
      assertRedirected(
          start(
              f,
              p -> {
                p.put("code_challenge", "123");
                p.put("code_challenge_method", "invalid_method");
              }),
          "invalid_request",
          "Unsupported PKCE challenge method (\"invalid_method\").");
      assertRedirected(
          start(f, p -> p.put("scope", "email profile")),
          "invalid_scope",
          "Missing required scope(s) [\"openid\"].");
      assertRedirected(
          start(f, p -> p.put("scope", "openid bogus admin")),
          "invalid_scope",
          "Unrecognized scope(s) [\"bogus\" \"admin\"]");
      assertRedirected(
          start(f, p -> p.put("scope", "openid audience:server:client_id:stranger")),
          "invalid_scope",
          "Client can't request scope(s) [\"audience:server:client_id:stranger\"]");
      assertRedirected(
          start(f, p -> p.put("scope", "openid audience:server:client_id:nobody")),
          "invalid_scope",
          "Client can't request scope(s) [\"audience:server:client_id:nobody\"]");
      assertRedirected(
          start(f, p -> p.put("response_type", "code bogus")),
          "invalid_request",
          "Invalid response type \"bogus\"");
      assertRedirected(
          start(f, p -> p.put("response_type", "code id_token")),
          "unsupported_response_type",
          "Unsupported response type \"id_token\"");
      assertRedirected(
          start(f, p -> p.remove("response_type")), "invalid_request", "No response_type provided");
      assertRedirected(
          start(f, p -> p.put("prompt", "none login")),
          "invalid_request",
          "Invalid prompt parameter: prompt=none must not be combined with other values");
      assertRedirected(
          start(f, p -> p.put("prompt", "bogus")),
          "invalid_request",
          "Invalid prompt parameter: invalid prompt value \"bogus\"");
      for (String bad : List.of("-1", "abc", "1.5", "99999999999999999999")) {
        assertRedirected(
            start(f, p -> p.put("max_age", bad)),
            "invalid_request",
            "Invalid max_age value \"" + bad + "\"");
      }
      assertRedirected(
          start(f, p -> p.put("id_token_hint", "not-a-jwt")),
          "invalid_request",
          "Invalid id_token_hint.");
      assertThat(f.storage.authRequests().list()).isEmpty();
    }
  }

  @Test
  void responseTypeRulesOfTheImplicitAndHybridFlows() throws Exception {
    try (WebFixture f =
        WebFixture.builder()
            .setup(s ->
                s.clients()
                    .create(
                        Client.of("cli", "", "CLI")
                            .withPublic(true)
                            .withRedirectUris(List.of(REDIRECT, RedirectUris.OOB))))
            .auth(AuthorizationRequestTest::allTypes)
            .build()) {
      Consumer<Map<String, String>> cli = p -> p.put("client_id", "cli");
      assertRedirected(
          start(f, cli.andThen(p -> p.put("response_type", "token"))),
          "invalid_request",
          "Response type 'token' must be provided with type 'id_token' and/or 'code'");
      assertRedirected(
          start(f, cli.andThen(p -> p.put("response_type", "id_token"))),
          "invalid_request",
          "Response type 'token' requires a 'nonce' value.");
      HttpResponse<String> oob =
          start(
              f,
              cli.andThen(p -> {
                p.put("response_type", "code token");
                p.put("redirect_uri", RedirectUris.OOB);
              }));
      assertThat(oob.statusCode()).isEqualTo(303);
      assertThat(FlowClient.location(oob))
          .startsWith(RedirectUris.OOB + "?")
          .contains("error=invalid_request");
      assertThat(start(f, cli.andThen(p -> p.put("response_type", "code id_token"))).statusCode())
          .isEqualTo(302);
      assertThat(
              start(
                      f,
                      cli.andThen(p -> {
                        p.put("response_type", "id_token token");
                        p.put("nonce", "n");
                      }))
                  .statusCode())
          .isEqualTo(302);
    }
  }

  @Test
  void pkceEnforcementAndMethods() throws Exception {
    try (WebFixture f =
        fixture(s ->
            new AuthSettings(
                s.issuerUrl(),
                s.responseTypes(),
                true,
                List.of("S256"),
                false,
                true,
                s.authRequestsValidFor()))) {
      assertRedirected(
          start(f, p -> {}),
          "invalid_request",
          "PKCE is required. The code_challenge parameter must be provided.");
      // Without a method, plain is meant (RFC 7636 §4.3), which is not enabled here.
      assertRedirected(
          start(f, p -> p.put("code_challenge", "123")),
          "invalid_request",
          "Unsupported PKCE challenge method (\"plain\").");
      HttpResponse<String> ok =
          start(
              f,
              p -> {
                p.put("code_challenge", "123");
                p.put("code_challenge_method", "S256");
              });
      assertThat(ok.statusCode()).isEqualTo(302);
    }
  }

  @Test
  void theErrorRedirectKeepsTheClientsQueryAndSortsAsGoDoes() throws Exception {
    String registered = "https://client.example/cb?z=1&a=2#frag";
    try (WebFixture f =
        WebFixture.builder()
            .setup(s ->
                s.clients().create(Client.of("q", "s", "Q").withRedirectUris(List.of(registered))))
            .build()) {
      HttpResponse<String> r =
          start(
              f,
              p -> {
                p.put("client_id", "q");
                p.put("redirect_uri", registered);
                p.put("state", "a b/c");
                p.put("scope", "email");
              });
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(FlowClient.location(r))
          .isEqualTo(
              "https://client.example/cb?a=2&error=invalid_scope&error_description=Missing"
                  + "+required+scope%28s%29+%5B%22openid%22%5D.&state=a+b%2Fc&z=1#frag");
    }
  }

  @Test
  void anIdTokenHintMustBeFerrysOwnButMayHaveExpired() throws Exception {
    try (WebFixture f = fixture(s -> s)) {
      JWTClaimsSet expired =
          new JWTClaimsSet.Builder()
              .issuer(f.issuer)
              .subject("CgNmb28SA2Jhcg")
              .expirationTime(Date.from(WebFixture.START.minusSeconds(3600)))
              .build();
      String ours = sign(expired, WebFixture.key());
      assertThat(start(f, p -> p.put("id_token_hint", ours)).statusCode()).isEqualTo(302);

      String foreign =
          sign(expired, new RSAKeyGenerator(2048).keyID(WebFixture.key().getKeyID()).generate());
      assertRedirected(
          start(f, p -> p.put("id_token_hint", foreign)),
          "invalid_request",
          "Invalid id_token_hint.");
      JWTClaimsSet otherIssuer =
          new JWTClaimsSet.Builder(expired).issuer("https://wrong.example").build();
      String wrongIssuer = sign(otherIssuer, WebFixture.key());
      assertRedirected(
          start(f, p -> p.put("id_token_hint", wrongIssuer)),
          "invalid_request",
          "Invalid id_token_hint.");
    }
  }

  @Test
  void theDeviceCallbackOfAPublicClientBecomesTheIssuersPath() throws Exception {
    try (WebFixture f =
        WebFixture.builder()
            .setup(s -> s.clients().create(Client.of("pub", "", "Pub").withPublic(true)))
            .build()) {
      HttpResponse<String> r =
          start(
              f,
              p -> {
                p.put("client_id", "pub");
                p.put("redirect_uri", "/device/callback");
              });
      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(f.storage.authRequests().list().get(0).redirectUri())
          .isEqualTo("/dex/device/callback");
      // A public client without registered URIs may use a loopback URI on any port.
      HttpResponse<String> loopback =
          start(
              f,
              p -> {
                p.put("client_id", "pub");
                p.put("redirect_uri", "http://127.0.0.1:49152/cb");
              });
      assertThat(loopback.statusCode()).isEqualTo(302);
    }
  }

  private static String sign(JWTClaimsSet claims, com.nimbusds.jose.jwk.RSAKey key)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
