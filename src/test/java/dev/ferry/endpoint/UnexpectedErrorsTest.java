package dev.ferry.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.signer.Signer;
import dev.ferry.signer.SigningException;
import dev.ferry.signer.StaticSigner;
import dev.ferry.storage.memory.MemoryStorage;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every OAuth endpoint maps an exception it did not expect the same way: {@code 500
 * {"error":"server_error"}}, never a {@code 401}/{@code 403} that blames the client or an inactive
 * token, and one ERROR log line with the stack trace and the request id.
 */
class UnexpectedErrorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVER_ERROR = "{\"error\":\"server_error\"}";

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void capture() {
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    root.detachAppender(appender);
  }

  /** The ERROR events that carry {@code type} (or a cause of that type) as their throwable. */
  private List<ILoggingEvent> errorsWith(Class<? extends Throwable> type) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR && e.getThrowableProxy() != null)
        .filter(e -> e.getThrowableProxy().getClassName().equals(type.getName()))
        .toList();
  }

  private void assertLoggedOnceWithTrace(
      Class<? extends Throwable> type, HttpResponse<String> response) {
    List<ILoggingEvent> logged = errorsWith(type);
    assertThat(logged).as("logged once, with the exception").hasSize(1);
    ILoggingEvent event = logged.get(0);
    assertThat(event.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
    assertThat(event.getMDCPropertyMap().get("request_id"))
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
  }

  @Test
  void tokenExchangeConnectorBugIsAServerErrorNotAccessDenied() throws Exception {
    TokenIdentityConnector buggy =
        (type, token) -> {
          throw new IllegalStateException("connector bug");
        };
    try (WebFixture f =
        WebFixture.builder()
            .connectorsFrom(storage ->
                id -> storage.connectors().get(id).map(d -> new OpenedConnector(d, buggy)))
            .build()) {
      HttpResponse<String> response = f.postForm("/token", WebFixture.exchangeForm());

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo(SERVER_ERROR);
      assertLoggedOnceWithTrace(IllegalStateException.class, response);
    }
  }

  @Test
  void userinfoVerifierFailureIsAServerError() throws Exception {
    AtomicBoolean broken = new AtomicBoolean();
    Signer keys = new StaticSigner(WebFixture.key());
    Signer failing =
        new Signer() {
          @Override
          public String sign(byte[] payload) throws SigningException {
            return keys.sign(payload);
          }

          @Override
          public String algorithm() throws SigningException {
            return keys.algorithm();
          }

          @Override
          public JWKSet publicKeys() {
            if (broken.get()) {
              throw new IllegalStateException("key store bug");
            }
            return keys.publicKeys();
          }
        };
    try (WebFixture f = WebFixture.builder().signer(failing).build()) {
      String token =
          JSON.readTree(f.postForm("/token", WebFixture.exchangeForm()).body())
              .get("access_token")
              .asText();
      broken.set(true);

      HttpResponse<String> response =
          f.send(f.request("/userinfo").header("Authorization", "Bearer " + token).GET().build());

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo(SERVER_ERROR);
      assertLoggedOnceWithTrace(IllegalStateException.class, response);
    }
  }

  @Test
  void introspectionStorageFailureIsAnOAuthServerError() throws Exception {
    AtomicBoolean broken = new AtomicBoolean();
    try (WebFixture f =
        WebFixture.builder()
            .storage(
                FaultyStorage.wrap(
                    new MemoryStorage(), broken, (method, arg) -> method.equals("getClient")))
            .build()) {
      String token =
          JSON.readTree(f.postForm("/token", WebFixture.exchangeForm()).body())
              .get("access_token")
              .asText();
      broken.set(true);

      HttpResponse<String> response = f.postForm("/token/introspect", Map.of("token", token));

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(response.body()).isEqualTo(SERVER_ERROR);
      assertLoggedOnceWithTrace(dev.ferry.storage.StorageException.class, response);
    }
  }

  @Test
  void signingFailureIsLoggedOnceWithItsCause() throws Exception {
    Signer keys = new StaticSigner(WebFixture.key());
    Signer failing =
        new Signer() {
          @Override
          public String sign(byte[] payload) throws SigningException {
            throw new SigningException("signing key unavailable");
          }

          @Override
          public String algorithm() throws SigningException {
            return keys.algorithm();
          }

          @Override
          public JWKSet publicKeys() {
            return keys.publicKeys();
          }
        };
    try (WebFixture f = WebFixture.builder().signer(failing).build()) {
      HttpResponse<String> response = f.postForm("/token", WebFixture.exchangeForm());

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo(SERVER_ERROR);
      assertLoggedOnceWithTrace(SigningException.class, response);
    }
  }
}
