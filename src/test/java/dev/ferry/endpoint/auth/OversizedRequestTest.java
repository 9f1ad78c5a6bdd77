package dev.ferry.endpoint.auth;

import static dev.ferry.endpoint.auth.FlowClient.REDIRECT;
import static dev.ferry.endpoint.auth.FlowClient.codeRequest;
import static dev.ferry.endpoint.auth.FlowClient.location;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Client;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Oversized authorization requests through real HTTP: refused with an error page before anything is
 * stored or redirected, never a redirect too long for Jetty's response header (which Jetty answers
 * with its own 500).
 */
class OversizedRequestTest {
  private static final String TOO_LARGE = "The authorization request is too large.";

  private static WebFixture fixture() throws Exception {
    return WebFixture.builder()
        .setup(s -> {
          s.clients().create(Client.of("web", "secret", "Web").withRedirectUris(List.of(REDIRECT)));
          s.clients().create(Client.of("peer", "s", "Peer").withTrustedPeers(List.of("web")));
          s.connectors()
              .create(
                  new dev.ferry.storage.Connector(
                      "pw",
                      "mockPassword",
                      "Password",
                      "1",
                      "{\"username\": \"foo\", \"password\": \"password\"}",
                      List.of()));
        })
        .build();
  }

  private static void assertTooLarge(WebFixture f, HttpResponse<String> r, String text) {
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Location")).isEmpty();
    assertThat(f.pages.last("error", String.class)).isEqualTo(text);
    assertThat(f.storage.authRequests().list()).isEmpty();
  }

  @Test
  void aHugeScopeIsRefusedAtTheConnectorAndAtTheChoice() throws Exception {
    try (WebFixture f = fixture()) {
      Map<String, String> params = codeRequest("web");
      params.put("scope", "openid " + "z".repeat(20000));
      assertTooLarge(f, f.postForm("/auth/mock", params), TOO_LARGE);
      assertTooLarge(f, f.postForm("/auth/pw", params), TOO_LARGE);
      params.put("connector_id", "mock");
      assertTooLarge(f, f.postForm("/auth", params), TOO_LARGE);
      assertTooLarge(f, f.get(FlowClient.authPath("/auth", params)), TOO_LARGE);
    }
  }

  @Test
  void aLongStateOrNonceIsRefusedBeforeAnyErrorRedirectCarriesIt() throws Exception {
    try (WebFixture f = fixture()) {
      Map<String, String> params = codeRequest("web");
      params.put("response_type", "bogus");
      params.put("state", "s".repeat(30_000));
      assertTooLarge(f, f.postForm("/auth/mock", params), TOO_LARGE);

      params.put("state", "s".repeat(RequestLimits.MAX_STATE_LENGTH + 1));
      assertTooLarge(
          f,
          f.postForm("/auth/mock", params),
          "The state parameter is too long (at most 2048 characters).");
      params.put("state", "s".repeat(RequestLimits.MAX_STATE_LENGTH));
      HttpResponse<String> fits = f.postForm("/auth/mock", params);
      assertThat(fits.statusCode()).isEqualTo(303);
      assertThat(FlowClient.query(location(fits)))
          .containsEntry("error", "invalid_request")
          .containsEntry("state", "s".repeat(RequestLimits.MAX_STATE_LENGTH));

      params = codeRequest("web");
      params.put("nonce", "n".repeat(RequestLimits.MAX_NONCE_LENGTH + 1));
      assertTooLarge(
          f,
          f.get(FlowClient.authPath("/auth/mock", params)),
          "The nonce parameter is too long (at most 1024 characters).");
    }
  }

  @Test
  void tooManyScopesAreInvalidScopeAndRepeatsCountOnce() throws Exception {
    try (WebFixture f = fixture()) {
      List<String> scopes = new ArrayList<>(List.of("openid"));
      for (int i = 0; i < RequestLimits.MAX_SCOPES; i++) {
        scopes.add("audience:server:client_id:p" + i);
      }
      Map<String, String> params = codeRequest("web");
      params.put("scope", String.join(" ", scopes));
      HttpResponse<String> many = f.get(FlowClient.authPath("/auth/mock", params));
      assertThat(many.statusCode()).isEqualTo(303);
      assertThat(FlowClient.query(location(many)))
          .containsEntry("error", "invalid_scope")
          .containsEntry("error_description", "Too many scopes requested (at most 64).")
          .containsEntry("state", "xyz");

      List<String> repeated = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        repeated.add(i % 2 == 0 ? "openid" : "audience:server:client_id:peer");
      }
      params.put("scope", String.join(" ", repeated));
      HttpResponse<String> ok = f.get(FlowClient.authPath("/auth/mock", params));
      assertThat(ok.statusCode()).isEqualTo(302);
      List<AuthRequest> stored = f.storage.authRequests().list();
      assertThat(stored).hasSize(1);
      assertThat(stored.get(0).scopes())
          .containsExactly("openid", "audience:server:client_id:peer");
    }
  }

  /** A password form's back link escapes the whole request again; when too long it is left out. */
  @Test
  void aRequestNearTheLimitStillReachesThePasswordForm() throws Exception {
    try (WebFixture f = fixture()) {
      Map<String, String> params = codeRequest("web");
      params.put("state", " ".repeat(RequestLimits.MAX_STATE_LENGTH));
      params.put("nonce", " ".repeat(RequestLimits.MAX_NONCE_LENGTH));
      HttpResponse<String> toForm = f.get(FlowClient.authPath("/auth/pw", params));
      assertThat(toForm.statusCode()).isEqualTo(302);
      String to = location(toForm);
      assertThat(to.length()).isLessThan(RequestLimits.MAX_LOCATION_BYTES);
      assertThat(to).startsWith("/dex/auth/pw/login?back=&state=");
      assertThat(f.storage.authRequests().list()).hasSize(1);
    }
  }

  /** An error description quoting the scopes can outgrow the request: refused, not sent. */
  @Test
  void anErrorRedirectTooLongForAHeaderIsAnErrorPage() throws Exception {
    try (WebFixture f = fixture()) {
      Map<String, String> params = codeRequest("web");
      params.put("scope", "openid " + "\u0001".repeat(1300));
      HttpResponse<String> r = f.get(FlowClient.authPath("/auth/mock", params));
      assertTooLarge(f, r, TOO_LARGE);
    }
  }

  @Test
  void aConnectorLoginByPostStoresNothing() throws Exception {
    try (WebFixture f = fixture()) {
      HttpResponse<String> r = f.postForm("/auth/mock", codeRequest("web"));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class)).isEqualTo("Unsupported request method.");
      assertThat(f.storage.authRequests().list()).isEmpty();
    }
  }
}
