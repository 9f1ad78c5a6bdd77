package dev.ferry.endpoint.token.grant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Storage;
import dev.ferry.storage.UserConnectorKey;
import dev.ferry.storage.memory.MemoryStorage;
import dev.ferry.storage.sql.SqlSettings;
import dev.ferry.storage.sql.SqlStorage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A Ferry web listener for the grants that log people in, with Dex's server-test fixture of
 * server/grants tests (Dex: server/server_grant_refresh_test.go mockRefreshTokenTestStorage,
 * server/helpers_test.go mockConnectorDataTestStorage): client {@code test}/{@code barfoo} and
 * connector {@code test} of type {@code mockCallback}, over memory or SQLite storage.
 */
record PersonGrantServer(WebFixture web, Storage storage) implements AutoCloseable {
  static final String CLIENT = "test";
  static final String SECRET = "barfoo";
  static final String CONNECTOR = "test";
  static final String USER = "1";

  /** The claims of Dex's refresh token fixture. */
  static final Claims JANE =
      new Claims("1", "jane", "", "jane.doe@example.com", true, List.of("a", "b"));

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The storage backends the grants are tested on. */
  enum Backend {
    MEMORY,
    SQLITE;

    Storage open(Path dir) {
      return switch (this) {
        case MEMORY -> new MemoryStorage();
        case SQLITE ->
            SqlStorage.open(
                SqlSettings.sqlite(
                    dir.resolve("dex.db").toString(), SqlSettings.DEFAULT_SQLITE_BUSY_TIMEOUT));
      };
    }
  }

  static PersonGrantServer start(Backend backend, Path dir) throws Exception {
    return start(backend, dir, b -> b, s -> {});
  }

  /**
   * @param options changes to the fixture (refresh policy, password connector, connectors)
   * @param setup rows written before the server starts, after Dex's fixture
   */
  static PersonGrantServer start(
      Backend backend, Path dir, UnaryOperator<WebFixture.Builder> options, Consumer<Storage> setup)
      throws Exception {
    Storage storage = backend.open(dir);
    try {
      WebFixture web =
          options
              .apply(
                  WebFixture.builder()
                      .storage(storage)
                      .setup(s -> {
                        s.clients()
                            .create(
                                Client.of(CLIENT, SECRET, "dex client")
                                    .withRedirectUris(
                                        List.of("foo://bar.com/", "https://auth.example.com")));
                        s.connectors()
                            .create(
                                new dev.ferry.storage.Connector(
                                    CONNECTOR,
                                    "mockCallback",
                                    "mockCallback",
                                    "1",
                                    "{}",
                                    List.of()));
                        setup.accept(s);
                      }))
              .build();
      return new PersonGrantServer(web, storage);
    } catch (Exception | Error e) {
      storage.close();
      throw e;
    }
  }

  /** POSTs a token request authenticated as {@code test} with client_secret_post. */
  HttpResponse<String> token(Map<String, String> form) throws IOException, InterruptedException {
    return tokenAs(CLIENT, SECRET, form);
  }

  HttpResponse<String> tokenAs(String clientId, String secret, Map<String, String> form)
      throws IOException, InterruptedException {
    Map<String, String> body = new LinkedHashMap<>(form);
    body.put("client_id", clientId);
    body.put("client_secret", secret);
    return web.postForm("/token", body);
  }

  /** The offline session of Jane through connector {@code test}. */
  OfflineSessions session() {
    return storage.offlineSessions().get(new UserConnectorKey(USER, CONNECTOR)).orElseThrow();
  }

  /** The reference the offline session holds for a client. */
  OfflineSessions.RefreshTokenRef sessionRef(String clientId) {
    return Objects.requireNonNull(
        session().refresh().get(clientId), "no reference for " + clientId);
  }

  @Override
  public void close() throws Exception {
    try {
      web.close();
    } finally {
      storage.close();
    }
  }

  static Map<String, String> form(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** The claims of a JWT Ferry signed, after checking its signature with the fixture's key. */
  static JsonNode claims(String jwt) throws ParseException, JOSEException, IOException {
    SignedJWT parsed = SignedJWT.parse(jwt);
    assertThat(parsed.verify(new RSASSAVerifier(WebFixture.key().toRSAPublicKey()))).isTrue();
    return JSON.readTree(parsed.getPayload().toString());
  }

  static void assertError(
      HttpResponse<String> response, int status, String error, String description) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    String expected =
        description.isEmpty()
            ? "{\"error\":\"" + error + "\"}"
            : "{\"error\":\""
                + error
                + "\",\"error_description\":\""
                + description.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}";
    assertThat(response.body()).isEqualTo(expected);
    assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
  }

  static void assertSuccess(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(response.headers().firstValue("Pragma")).contains("no-cache");
  }
}
