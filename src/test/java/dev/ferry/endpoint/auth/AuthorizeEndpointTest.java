package dev.ferry.endpoint.auth;

import static dev.ferry.endpoint.auth.FlowClient.REDIRECT;
import static dev.ferry.endpoint.auth.FlowClient.authPath;
import static dev.ferry.endpoint.auth.FlowClient.codeRequest;
import static dev.ferry.endpoint.auth.FlowClient.location;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.web.Pages;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Connector choice at {@code /auth} (Dex: server/server_authorize_test.go, sessions off;
 * server_login_test.go TestHandleConnectorLoginGrantTypeRejection).
 */
class AuthorizeEndpointTest {

  private static WebFixture twoConnectors(
      List<String> mockGrants, List<String> mock2Grants, boolean alwaysShow, Client client)
      throws Exception {
    return WebFixture.builder()
        .setup(s -> {
          s.connectors().delete("mock");
          s.connectors()
              .create(new Connector("mock", "mockCallback", "mock", "1", "{}", mockGrants));
          s.connectors()
              .create(new Connector("mock2", "mockCallback", "Beta", "1", "{}", mock2Grants));
          s.connectors()
              .create(new Connector("mock3", "mockCallback", "alpha", "1", "{}", List.of()));
          s.clients().create(client);
        })
        .auth(a ->
            new AuthSettings(
                a.issuerUrl(),
                List.of("code", "token", "id_token"),
                false,
                a.pkceMethods(),
                alwaysShow,
                true,
                a.authRequestsValidFor()))
        .build();
  }

  private static final Client WEB =
      Client.of("web", "secret", "Web").withRedirectUris(List.of(REDIRECT));

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "one filtered, redirect to the other | urn:ietf:params:oauth:grant-type:device_code | "
            + "code | 302 | /dex/auth/mock2?",
        "implicit filters an authorization_code-only connector | authorization_code | "
            + "token | 302 | /dex/auth/mock2?",
        "all filtered | urn:ietf:params:oauth:grant-type:device_code | code | 400 | ",
      })
  void connectorsAreFilteredByTheirGrantTypes(
      String name, String mockGrant, String responseType, int status, String location)
      throws Exception {
    boolean all = status == 400;
    try (WebFixture f =
        twoConnectors(
            List.of(mockGrant),
            all ? List.of(mockGrant) : List.of(),
            false,
            WEB.withAllowedConnectors(List.of("mock", "mock2")))) {
      Map<String, String> params = codeRequest("web");
      params.put("response_type", responseType);
      HttpResponse<String> r = f.get(authPath("/auth", params));
      assertThat(r.statusCode()).isEqualTo(status);
      if (location != null) {
        assertThat(location(r)).startsWith(location);
      } else {
        assertThat(f.pages.last("error", String.class))
            .isEqualTo("No connectors available for this client.");
      }
    }
  }

  @Test
  void severalConnectorsShowTheChoiceSortedByNameWithTheRequestCarriedOn() throws Exception {
    try (WebFixture f = twoConnectors(List.of(), List.of(), false, WEB)) {
      HttpResponse<String> r = f.get(authPath("/auth", codeRequest("web")));
      assertThat(r.statusCode()).isEqualTo(200);
      @SuppressWarnings("unchecked")
      List<Pages.ConnectorLink> links = f.pages.last("connectorChoice", List.class);
      assertThat(links)
          .extracting(Pages.ConnectorLink::name)
          .containsExactly("alpha", "Beta", "mock");
      assertThat(links.get(0).url())
          .isEqualTo(
              "/dex/auth/mock3?client_id=web&redirect_uri=https%3A%2F%2Fclient.example"
                  + "%2Fcallback&response_type=code&scope=openid+email+profile&state=xyz");
      assertThat(links.get(0).type()).isEqualTo("mockCallback");
    }
  }

  @Test
  void allowedConnectorsNarrowTheChoiceAndConnectorIdPicksOne() throws Exception {
    try (WebFixture f =
        twoConnectors(List.of(), List.of(), false, WEB.withAllowedConnectors(List.of("mock")))) {
      HttpResponse<String> only = f.get(authPath("/auth", codeRequest("web")));
      assertThat(only.statusCode()).isEqualTo(302);
      assertThat(location(only)).startsWith("/dex/auth/mock?");
      Map<String, String> params = codeRequest("web");
      params.put("connector_id", "mock2");
      HttpResponse<String> notAllowed = f.get(authPath("/auth", params));
      assertThat(notAllowed.statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class))
          .isEqualTo("Connector ID does not match a valid Connector");
    }
    try (WebFixture f = twoConnectors(List.of(), List.of(), true, WEB)) {
      Map<String, String> params = codeRequest("web");
      params.put("connector_id", "mock2");
      HttpResponse<String> chosen = f.get(authPath("/auth", params));
      assertThat(chosen.statusCode()).isEqualTo(302);
      assertThat(location(chosen)).startsWith("/dex/auth/mock2?").doesNotContain("connector_id");
    }
  }

  @Test
  void alwaysShowLoginScreenShowsEvenOneConnector() throws Exception {
    try (WebFixture f =
        twoConnectors(List.of(), List.of(), true, WEB.withAllowedConnectors(List.of("mock")))) {
      assertThat(f.get(authPath("/auth", codeRequest("web"))).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anUnknownClientOrNoMatchingConnectorIsAnErrorPage() throws Exception {
    try (WebFixture f =
        twoConnectors(
            List.of(), List.of(), false, WEB.withAllowedConnectors(List.of("nonexistent")))) {
      assertThat(f.get(authPath("/auth", codeRequest("web"))).statusCode()).isEqualTo(400);
      assertThat(f.get(authPath("/auth", codeRequest("nobody"))).statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class)).isEqualTo("Invalid client_id provided.");
      assertThat(f.raw("GET /dex/auth?client_id=web&a=%zz HTTP/1.1", new byte[0]))
          .startsWith("HTTP/1.1 400");
    }
  }

  @Test
  void aConnectorRefusingTheGrantTypeIsRefusedAtItsLoginToo() throws Exception {
    try (WebFixture f =
        twoConnectors(
            List.of("urn:ietf:params:oauth:grant-type:device_code"), List.of(), false, WEB)) {
      HttpResponse<String> r = f.get(authPath("/auth/mock", codeRequest("web")));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(f.pages.last("error", String.class))
          .isEqualTo("Requested connector does not support this grant type.");
    }
  }

  @Test
  void aPasswordConnectorsFormUrlCarriesStateAndASanitizableBackLink() throws Exception {
    try (WebFixture f =
        WebFixture.builder()
            .setup(s -> {
              s.clients().create(WEB);
              s.connectors()
                  .create(
                      new Connector(
                          "mockPw",
                          "mockPassword",
                          "MockPassword",
                          "1",
                          "{\"username\": \"foo\", \"password\": \"bar\"}",
                          List.of()));
            })
            .build()) {
      HttpResponse<String> r = f.get(authPath("/auth/mockPw", codeRequest("web")));
      assertThat(r.statusCode()).isEqualTo(302);
      String id = f.storage.authRequests().list().get(0).id();
      Map<String, String> q = FlowClient.query(location(r));
      assertThat(location(r)).startsWith("/dex/auth/mockPw/login?back=");
      assertThat(q).containsEntry("state", id);
      assertThat(q.get("back")).startsWith("/dex/auth?client_id=web&");
      String back = q.getOrDefault("back", "");
      assertThat(PasswordLoginEndpoint.sanitizeBackLink(back)).isEqualTo(back);
      // An attacker's back link never reaches the page.
      new FlowClient(f).get("/auth/mockPw/login?state=" + id + "&back=https://evil.example");
      assertThat(f.pages.last("password", Pages.PasswordPage.class).backLink()).isEmpty();
    }
  }
}
