package dev.ferry.endpoint.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.endpoint.WebFixture;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.storage.Client;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Grant} contract through real HTTP, with two test grants beside the catalogue's: one
 * that keeps state and finds its connector only by looking its code up (as authorization code and
 * refresh will), one without a connector (as client credentials will), and one that authenticates
 * no client (as device code). All go through the connector policy exactly as token exchange does
 * (Dex HEAD: server/grants dispatch), and a grant never sees a connector the policy refused.
 */
class GrantContractTest {
  private static final String RESTRICTED = "restricted";
  private static final String SECRET = "s";

  /** An authorization code as a stateful grant would store it. */
  record StoredCode(String clientId, String connectorId) {}

  /** A stateful grant's typed request. */
  record CodeRequest(String code) {}

  /** The codes the stateful grant knows, and what its {@code handle} last saw. */
  private static final Map<String, StoredCode> codes = new ConcurrentHashMap<>();

  private static final AtomicReference<Optional<GrantRequest<?>>> handled =
      new AtomicReference<>(Optional.empty());

  /** Finds its connector in stored state, after checking that the state is the client's. */
  private static final class StatefulGrant implements Grant<CodeRequest, StoredCode> {
    @Override
    public String grantType() {
      return GrantTypes.AUTHORIZATION_CODE;
    }

    @Override
    public CodeRequest parse(Form form) {
      return new CodeRequest(form.get("code"));
    }

    @Override
    public Resolution<StoredCode> resolve(Optional<Client> client, CodeRequest request) {
      StoredCode stored = codes.get(request.code());
      if (stored == null || !stored.clientId().equals(client.orElseThrow().id())) {
        throw new OAuthException(OAuthError.INVALID_GRANT, "Invalid or expired code parameter.");
      }
      return Resolution.connector(stored.connectorId(), stored);
    }

    @Override
    public TokenResponse handle(GrantRequest<StoredCode> request) {
      handled.set(Optional.of(request));
      return TokenResponse.exchanged(
          "code-token-" + request.connector().orElseThrow().definition().id(), "", 60);
    }
  }

  /** Authenticates against no connector. */
  private static final class ConnectorlessGrant implements Grant<Form, Form> {
    @Override
    public String grantType() {
      return GrantTypes.CLIENT_CREDENTIALS;
    }

    @Override
    public Form parse(Form form) {
      return form;
    }

    @Override
    public Resolution<Form> resolve(Optional<Client> client, Form request) {
      return Resolution.withoutConnector(request);
    }

    @Override
    public TokenResponse handle(GrantRequest<Form> request) {
      handled.set(Optional.of(request));
      return TokenResponse.exchanged("client-token-" + request.authenticatedClient().id(), "", 60);
    }
  }

  /** Authenticates no client (as device code), yet names a connector. */
  private static final class UnauthenticatedGrant implements Grant<String, String> {
    @Override
    public String grantType() {
      return GrantTypes.DEVICE_CODE;
    }

    @Override
    public boolean authenticatesClient() {
      return false;
    }

    @Override
    public String parse(Form form) {
      return form.get("connector_id");
    }

    @Override
    public Resolution<String> resolve(Optional<Client> client, String connectorId) {
      return Resolution.connector(connectorId, connectorId);
    }

    @Override
    public TokenResponse handle(GrantRequest<String> request) {
      handled.set(Optional.of(request));
      return TokenResponse.exchanged("device-token", "", 60);
    }
  }

  private static WebFixture ferry;

  @BeforeAll
  static void start() throws Exception {
    ferry =
        WebFixture.builder()
            .extraGrant(new StatefulGrant())
            .extraGrant(new ConnectorlessGrant())
            .extraGrant(new UnauthenticatedGrant())
            .setup(storage -> {
              storage
                  .clients()
                  .create(
                      Client.of(RESTRICTED, SECRET, "Restricted")
                          .withAllowedConnectors(List.of("other")));
              storage
                  .connectors()
                  .create(
                      new dev.ferry.storage.Connector(
                          "exchange-only",
                          "mockCallback",
                          "Exchange only",
                          "1",
                          "{}",
                          List.of(GrantTypes.TOKEN_EXCHANGE)));
            })
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    ferry.close();
  }

  @BeforeEach
  void reset() {
    codes.clear();
    handled.set(Optional.empty());
  }

  private static HttpResponse<String> post(String grantType, String clientId, String... more)
      throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", grantType);
    form.put("client_id", clientId);
    form.put("client_secret", clientId.equals(RESTRICTED) ? SECRET : WebFixture.CLIENT_SECRET);
    for (int i = 0; i < more.length; i += 2) {
      form.put(more[i], more[i + 1]);
    }
    return ferry.postForm("/token", form);
  }

  private static HttpResponse<String> redeem(String clientId, StoredCode stored) throws Exception {
    codes.put("the-code", stored);
    return post(GrantTypes.AUTHORIZATION_CODE, clientId, "code", "the-code");
  }

  @Test
  void statefulGrantGetsTheConnectorItsStateNames() throws Exception {
    HttpResponse<String> response =
        redeem(WebFixture.CLIENT_ID, new StoredCode(WebFixture.CLIENT_ID, "mock"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"access_token\":\"code-token-mock\"");
    GrantRequest<?> seen = handled.get().orElseThrow();
    assertThat(seen.state()).isEqualTo(new StoredCode(WebFixture.CLIENT_ID, "mock"));
    assertThat(seen.connector().map(c -> c.definition().id())).hasValue("mock");
    assertThat(seen.client().map(Client::id)).hasValue(WebFixture.CLIENT_ID);
  }

  @Test
  void storedConnectorOutsideTheClientsAllowedConnectorsIsRefused() throws Exception {
    HttpResponse<String> response = redeem(RESTRICTED, new StoredCode(RESTRICTED, "mock"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\","
                + "\"error_description\":\"Connector not allowed for this client.\"}");
    assertThat(handled.get()).as("the grant never ran").isEmpty();
  }

  @Test
  void storedConnectorThatDoesNotAllowTheGrantIsRefused() throws Exception {
    HttpResponse<String> response =
        redeem(WebFixture.CLIENT_ID, new StoredCode(WebFixture.CLIENT_ID, "exchange-only"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\","
                + "\"error_description\":\"Requested connector does not support this grant"
                + " type.\"}");
    assertThat(handled.get()).isEmpty();
  }

  @Test
  void storedConnectorThatNoLongerExistsIsRefused() throws Exception {
    HttpResponse<String> response =
        redeem(WebFixture.CLIENT_ID, new StoredCode(WebFixture.CLIENT_ID, "deleted"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\","
                + "\"error_description\":\"Requested connector does not exist.\"}");
    assertThat(handled.get()).isEmpty();
  }

  @Test
  void stateOfAnotherClientFailsInTheGrantBeforeThePolicy() throws Exception {
    // The code names a connector RESTRICTED may not use, but it is not RESTRICTED's code: the
    // grant's own answer comes first, so the policy reveals nothing about foreign state.
    HttpResponse<String> response =
        redeem(RESTRICTED, new StoredCode(WebFixture.CLIENT_ID, "mock"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"error\":\"invalid_grant\","
                + "\"error_description\":\"Invalid or expired code parameter.\"}");
    assertThat(handled.get()).isEmpty();
  }

  @Test
  void clientAuthenticationRunsBeforeTheGrantLooksAnythingUp() throws Exception {
    codes.put("the-code", new StoredCode(WebFixture.CLIENT_ID, "mock"));
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.AUTHORIZATION_CODE);
    form.put("client_id", WebFixture.CLIENT_ID);
    form.put("client_secret", "wrong");
    form.put("code", "the-code");

    HttpResponse<String> response = ferry.postForm("/token", form);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"error\":\"invalid_client\"");
    assertThat(handled.get()).isEmpty();
  }

  @Test
  void grantWithoutConnectorIsServedWhateverTheClientsAllowedConnectors() throws Exception {
    HttpResponse<String> response =
        post(GrantTypes.CLIENT_CREDENTIALS, RESTRICTED, "connector_id", "exchange-only");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"access_token\":\"client-token-restricted\"");
    GrantRequest<?> seen = handled.get().orElseThrow();
    assertThat(seen.connector()).as("no connector opened for a connectorless grant").isEmpty();
    assertThat(seen.client().map(Client::id)).hasValue(RESTRICTED);
  }

  @Test
  void grantWithoutConnectorStillAuthenticatesTheClient() throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.CLIENT_CREDENTIALS);
    form.put("client_id", RESTRICTED);
    form.put("client_secret", "wrong");

    HttpResponse<String> response = ferry.postForm("/token", form);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(handled.get()).isEmpty();
  }

  @Test
  void grantWithoutClientStillGetsTheConnectorsOwnChecks() throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.DEVICE_CODE);
    form.put("connector_id", "exchange-only");

    HttpResponse<String> refused = ferry.postForm("/token", form);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body())
        .contains(
            "\"error_description\":\"Requested connector does not support this grant type.\"");
    assertThat(handled.get()).isEmpty();

    form.put("connector_id", "mock");
    HttpResponse<String> served = ferry.postForm("/token", form);

    assertThat(served.statusCode()).isEqualTo(200);
    GrantRequest<?> seen = handled.get().orElseThrow();
    assertThat(seen.client()).isEmpty();
    assertThat(seen.connector().map(c -> c.definition().id())).hasValue("mock");
  }
}
