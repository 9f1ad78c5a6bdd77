package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.token.grant.PersonGrantServer.CLIENT;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertError;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertSuccess;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.claims;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.form;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.PasswordCheckBusyException;
import dev.ferry.connector.PasswordConnector;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.endpoint.token.grant.PersonGrantServer.Backend;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Storage;
import dev.ferry.storage.UserConnectorKey;
import dev.ferry.token.RefreshTokenCodec;
import dev.ferry.token.SubjectCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The password grant through real HTTP with Dex's {@code mockPassword} connector {@code test}
 * (username and password {@code test}) as {@code oauth2.passwordConnector} (Dex:
 * server/server_grant_password_test.go TestHandlePassword, TestHandlePasswordAllowedConnectors;
 * server/grants/password.go and validateScopes for every error).
 */
class PasswordGrantTest {
  private static final String USER_ID = "0-385-28089-0";

  @TempDir Path dir;

  /** Dex: mockConnectorDataTestStorage, the password connector replacing the callback one. */
  private static final Consumer<Storage> DEX_FIXTURE =
      s -> {
        s.connectors().delete(PersonGrantServer.CONNECTOR);
        s.connectors()
            .create(
                new Connector(
                    "test",
                    "mockPassword",
                    "mockPassword",
                    "1",
                    "{\"username\": \"test\", \"password\": \"test\"}",
                    List.of()));
      };

  private PersonGrantServer start(Backend backend, Consumer<Storage> more) throws Exception {
    return start(backend, b -> b.passwordConnector("test"), more);
  }

  private PersonGrantServer start(
      Backend backend, UnaryOperator<WebFixture.Builder> options, Consumer<Storage> more)
      throws Exception {
    return PersonGrantServer.start(backend, dir, options, DEX_FIXTURE.andThen(more));
  }

  private static Map<String, String> login(String scope, String username, String password) {
    return form(
        "grant_type", "password", "scope", scope, "username", username, "password", password);
  }

  /** Dex: TestHandlePassword, both cases. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "MEMORY,openid offline_access email,true",
    "MEMORY,openid email,false",
    "SQLITE,openid offline_access email,true",
    "SQLITE,openid email,false",
  })
  void dexsPasswordLogin(Backend backend, String scope, boolean offline) throws Exception {
    try (PersonGrantServer ferry = start(backend, s -> {})) {
      assertError(
          ferry.token(login(scope, "test", "invalid")),
          401,
          "access_denied",
          "Invalid username or password");

      HttpResponse<String> response = ferry.token(login(scope, "test", "test"));
      assertSuccess(response);
      JsonNode body = json(response);
      Optional<OfflineSessions> session =
          ferry.storage().offlineSessions().get(new UserConnectorKey(USER_ID, "test"));
      if (offline) {
        assertThat(new String(session.orElseThrow().connectorData(), StandardCharsets.UTF_8))
            .isEqualTo("{\"test\": \"true\"}");
        String refresh = body.path("refresh_token").asText();
        assertThat(RefreshTokenCodec.decode(refresh).orElseThrow().refreshId())
            .isEqualTo(session.get().refresh().values().iterator().next().id());
        // The token refreshes through the same connector.
        assertSuccess(ferry.token(form("grant_type", "refresh_token", "refresh_token", refresh)));
      } else {
        assertThat(session).isEmpty();
        assertThat(body.has("refresh_token")).isFalse();
      }
      JsonNode id = claims(body.path("id_token").asText());
      assertThat(id.path("sub").asText()).isEqualTo(SubjectCodec.encode(USER_ID, "test"));
      assertThat(id.path("email").asText()).isEqualTo("kilgore@kilgore.trout");
      assertThat(id.has("auth_time")).isFalse();
      assertThat(id.has("c_hash")).isFalse();
    }
  }

  @Test
  void theNonceIsCarriedIntoBothTokens() throws Exception {
    try (PersonGrantServer ferry = start(Backend.MEMORY, s -> {})) {
      Map<String, String> form = login("openid profile", "test", "test");
      form.put("nonce", "n-0S6_WzA2Mj");
      JsonNode body = json(ferry.token(form));
      assertThat(claims(body.path("id_token").asText()).path("nonce").asText())
          .isEqualTo("n-0S6_WzA2Mj");
      assertThat(claims(body.path("access_token").asText()).path("nonce").asText())
          .isEqualTo("n-0S6_WzA2Mj");
      assertThat(claims(body.path("id_token").asText()).path("name").asText())
          .isEqualTo("Kilgore Trout");
    }
  }

  /** Dex: TestHandlePasswordAllowedConnectors. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "connector in allowed list|test|200",
        "connector matches non-first entry|other test|200",
        "connector not in allowed list|other|400",
        "empty allowed list permits any connector||200",
      })
  void theClientsAllowedConnectorsApply(String name, String allowed, int status) throws Exception {
    try (PersonGrantServer ferry = start(Backend.MEMORY, s -> {})) {
      ferry
          .storage()
          .clients()
          .update(
              CLIENT,
              c ->
                  c.withAllowedConnectors(
                      allowed == null ? List.of() : List.of(allowed.split(" "))));
      HttpResponse<String> response = ferry.token(login("openid email", "test", "test"));
      if (status == 200) {
        assertSuccess(response);
      } else {
        assertError(response, 400, "invalid_grant", "Connector not allowed for this client.");
      }
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "email|invalid_request|Missing required scope(s) [\"openid\"].",
        "|invalid_request|Missing required scope(s) [\"openid\"].",
        "openid bogus other|invalid_request|Unrecognized scope(s) [\"bogus\" \"other\"]",
        "openid audience:server:client_id:aloof|invalid_request|"
            + "Client can't request scope(s) [\"audience:server:client_id:aloof\"]",
        "openid audience:server:client_id:nobody|invalid_request|"
            + "Client can't request scope(s) [\"audience:server:client_id:nobody\"]",
        // Dex reports a missing openid before unknown scopes.
        "bogus|invalid_request|Missing required scope(s) [\"openid\"].",
      })
  void scopesAreCheckedAsDexChecksThem(String scope, String error, String description)
      throws Exception {
    try (PersonGrantServer ferry =
        start(Backend.MEMORY, s -> s.clients().create(Client.of("aloof", "s", "Aloof")))) {
      assertError(
          ferry.token(login(scope == null ? "" : scope, "test", "test")), 400, error, description);
    }
  }

  @Test
  void aTrustingPeerMayBeAnAudience() throws Exception {
    try (PersonGrantServer ferry =
        start(
            Backend.MEMORY,
            s ->
                s.clients()
                    .create(Client.of("peer", "s", "Peer").withTrustedPeers(List.of(CLIENT))))) {
      HttpResponse<String> response =
          ferry.token(
              login("openid federated:id groups audience:server:client_id:peer", "test", "test"));
      assertSuccess(response);
      JsonNode id = claims(json(response).path("id_token").asText());
      assertThat(id.path("aud").get(0).asText()).isEqualTo("peer");
      assertThat(id.path("aud").get(1).asText()).isEqualTo(CLIENT);
      assertThat(id.path("azp").asText()).isEqualTo(CLIENT);
      assertThat(id.path("federated_claims").path("connector_id").asText()).isEqualTo("test");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gone|400|invalid_request|Requested connector does not exist.",
        "callback|400|invalid_request|Requested password connector does not correct type.",
        "password forbidden|400|invalid_request|"
            + "Requested connector does not support this grant type.",
      })
  void thePasswordConnectorMustExistCheckPasswordsAndAllowTheGrant(
      String connector, int status, String error, String description) throws Exception {
    try (PersonGrantServer ferry =
        start(
            Backend.MEMORY,
            b -> b.passwordConnector(connector),
            s -> {
              s.connectors()
                  .create(new Connector("callback", "mockCallback", "CB", "1", "{}", List.of()));
              s.connectors()
                  .create(
                      new Connector(
                          "password forbidden",
                          "mockPassword",
                          "PW",
                          "1",
                          "{\"username\": \"test\", \"password\": \"test\"}",
                          List.of("refresh_token")));
            })) {
      assertError(ferry.token(login("openid", "test", "test")), status, error, description);
    }
  }

  /** The connector could not check (storage, upstream): Dex's 400, and nothing is said why. */
  @Test
  void aConnectorThatFailsToCheckIsCouldNotLoginUser() throws Exception {
    PasswordConnector broken =
        new PasswordConnector() {
          @Override
          public String prompt() {
            return "";
          }

          @Override
          public Optional<Identity> login(ConnectorScopes scopes, String username, String password)
              throws IdentityException {
            throw new IdentityException("ldap: connection refused");
          }
        };
    try (PersonGrantServer ferry =
        start(
            Backend.MEMORY,
            b ->
                b.passwordConnector("test")
                    .connectorsFrom(storage -> {
                      ConnectorLookup lookup =
                          id ->
                              storage.connectors().get(id).map(d -> new OpenedConnector(d, broken));
                      return lookup;
                    }),
            s -> {})) {
      assertError(
          ferry.token(login("openid", "test", "test")),
          400,
          "invalid_request",
          "Could not login user");
    }
  }

  /**
   * The password could not be checked because password hashing is saturated (a flood of guesses):
   * an overload, 503 temporarily_unavailable with Retry-After, never "Invalid username or password"
   * to a person whose password may be right.
   */
  @Test
  void aSaturatedPasswordCheckIsTemporarilyUnavailable() throws Exception {
    PasswordConnector busy =
        new PasswordConnector() {
          @Override
          public String prompt() {
            return "";
          }

          @Override
          public Optional<Identity> login(ConnectorScopes scopes, String username, String password)
              throws IdentityException {
            throw new PasswordCheckBusyException("too many password checks at once");
          }
        };
    try (PersonGrantServer ferry =
        start(
            Backend.MEMORY,
            b ->
                b.passwordConnector("test")
                    .connectorsFrom(storage -> {
                      ConnectorLookup lookup =
                          id -> storage.connectors().get(id).map(d -> new OpenedConnector(d, busy));
                      return lookup;
                    }),
            s -> {})) {
      HttpResponse<String> response = ferry.token(login("openid", "test", "test"));
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body())
          .isEqualTo(
              "{\"error\":\"temporarily_unavailable\","
                  + "\"error_description\":\"The server is busy, retry later.\"}");
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void withoutAPasswordConnectorTheGrantIsNotServed(Backend backend) throws Exception {
    try (PersonGrantServer ferry =
        start(
            backend,
            b -> b.grantTypes(List.of("authorization_code", "refresh_token", "client_credentials")),
            s -> {})) {
      HttpResponse<String> response = ferry.token(login("openid", "test", "test"));
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"error\":\"unsupported_grant_type\"}");
    }
  }
}
