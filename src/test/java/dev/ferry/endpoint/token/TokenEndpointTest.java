package dev.ferry.endpoint.token;

import static dev.ferry.endpoint.WebFixture.exchangeForm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.mock.MockCallbackConnector;
import dev.ferry.endpoint.FaultyStorage;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.storage.Storage;
import dev.ferry.storage.memory.MemoryStorage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and odd input at {@code /token}: every case must end in a 4xx OAuth JSON answer (or be
 * processed), never a 500, a stack trace or a hang, and the server must keep serving afterwards.
 */
class TokenEndpointTest {
  private static WebFixture ferry;

  @BeforeAll
  static void start() throws Exception {
    ferry = WebFixture.start();
  }

  @AfterAll
  static void stop() throws Exception {
    ferry.close();
  }

  private static void assertStillServing() throws Exception {
    HttpResponse<String> ok = ferry.postForm("/token", exchangeForm());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
  }

  static Stream<Arguments> unparsedBodies() {
    String form = WebFixture.encode(exchangeForm());
    return Stream.of(
        Arguments.of("no content type", form, ""),
        Arguments.of("JSON body", "{\"grant_type\":\"x\"}", "application/json"),
        Arguments.of("multipart", form, "multipart/form-data; boundary=x"),
        Arguments.of("text", form, "text/plain"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unparsedBodies")
  void bodiesThatAreNotUrlEncodedFormsLeaveTheGrantEmpty(String name, String body, String type)
      throws Exception {
    HttpResponse<String> response = ferry.postRaw("/token", body, type);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"unsupported_grant_type\"}");
  }

  @Test
  void mediaTypeParametersAreAccepted() throws Exception {
    HttpResponse<String> response =
        ferry.postRaw(
            "/token",
            WebFixture.encode(exchangeForm()),
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  static Stream<Arguments> malformed() {
    String form = WebFixture.encode(exchangeForm());
    return Stream.of(
        Arguments.of("bad percent escape", form + "&x=%zz", ""),
        Arguments.of("truncated percent escape", form + "&x=%4", ""),
        Arguments.of("semicolon separator", form + ";x=y", ""),
        Arguments.of("malformed media type", form, "!type"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedFormsAreABareInvalidRequest(String name, String body, String extra)
      throws Exception {
    String query = extra.startsWith("?") ? extra : "";
    String type =
        extra.equals("!type")
            ? "application/x-www-form-urlencoded; charset"
            : "application/x-www-form-urlencoded";
    HttpResponse<String> response =
        ferry.send(
            ferry
                .request("/token" + query)
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"invalid_request\"}");
    assertStillServing();
  }

  static Stream<Arguments> contentTypes() {
    return Stream.of(
        // Go's ParseForm fails on a malformed Content-Type whatever the media type is.
        Arguments.of("application/json; charset", 400, "{\"error\":\"invalid_request\"}"),
        Arguments.of("text/", 400, "{\"error\":\"invalid_request\"}"),
        Arguments.of("form urlencoded", 400, "{\"error\":\"invalid_request\"}"),
        Arguments.of(
            "application/x-www-form-urlencoded garbage", 400, "{\"error\":\"invalid_request\"}"),
        Arguments.of(
            "application/x-www-form-urlencoded; charset=utf-8 x",
            400,
            "{\"error\":\"invalid_request\"}"),
        Arguments.of(
            "application/x-www-form-urlencoded; charset=utf-8; CHARSET=latin1",
            400,
            "{\"error\":\"invalid_request\"}"),
        Arguments.of(
            "application/x-www-form-urlencoded; charset=", 400, "{\"error\":\"invalid_request\"}"),
        // ... and accepts these.
        Arguments.of("text", 400, "{\"error\":\"unsupported_grant_type\"}"),
        Arguments.of(
            "application/json; charset=utf-8;", 400, "{\"error\":\"unsupported_grant_type\"}"),
        Arguments.of("application/x-www-form-urlencoded;", 200, ""),
        Arguments.of("application/x-www-form-urlencoded ; charset = \"utf-8\"", 200, ""),
        Arguments.of(
            "application/x-www-form-urlencoded; charset=utf-8; charset=\"utf-8\"", 200, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contentTypes")
  void contentTypeIsJudgedAsGosParseMediaTypeDoes(String type, int status, String body)
      throws Exception {
    HttpResponse<String> response =
        ferry.postRaw("/token", WebFixture.encode(exchangeForm()), type);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    if (!body.isEmpty()) {
      assertThat(response.body()).isEqualTo(body);
    }
  }

  @Test
  void badEscapeInTheQueryStringFailsTheFormAsInGo() throws Exception {
    byte[] body =
        WebFixture.encode(exchangeForm()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String response =
        ferry.raw(
            "POST /dex/token?a=%zz HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded",
            body);
    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(response).endsWith("\r\n\r\n{\"error\":\"invalid_request\"}");
    assertStillServing();
  }

  @Test
  void firstOfRepeatedParametersWins() throws Exception {
    String body =
        WebFixture.encode(exchangeForm())
            + "&subject_token_type=urn:ietf:params:oauth:token-type:jwt&client_secret=wrong";
    HttpResponse<String> response =
        ferry.postRaw("/token", body, "application/x-www-form-urlencoded");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    String reversed = "client_secret=wrong&" + WebFixture.encode(exchangeForm());
    HttpResponse<String> rejected =
        ferry.postRaw("/token", reversed, "application/x-www-form-urlencoded");
    assertThat(rejected.statusCode()).isEqualTo(401);
  }

  @Test
  void oneMegabyteSubjectTokenIsProcessed() throws Exception {
    Map<String, String> form = exchangeForm();
    form.put("subject_token", "a".repeat(1_000_000));
    HttpResponse<String> response = ferry.postForm("/token", form);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void bodyOverTheLimitIsABareInvalidRequest() throws Exception {
    Map<String, String> form = exchangeForm();
    form.put("subject_token", "a".repeat(2 << 20));
    HttpResponse<String> response = ferry.postForm("/token", form);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"invalid_request\"}");
    assertStillServing();
  }

  @Test
  void hugeBodyBeyondGoLimitIsRefused() throws Exception {
    String body = WebFixture.encode(exchangeForm()) + "&pad=" + "b".repeat(12 << 20);
    HttpResponse<String> response =
        ferry.postRaw("/token", body, "application/x-www-form-urlencoded");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"invalid_request\"}");
    assertStillServing();
  }

  @Test
  void nonUtf8BytesNeverMatchAClient() throws Exception {
    byte[] body =
        ("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
                + "&client_id=client_1%FF%FE&client_secret=secret_1")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] raw = new byte[body.length + 3];
    System.arraycopy(body, 0, raw, 0, body.length);
    raw[body.length] = '&';
    raw[body.length + 1] = (byte) 0xC3;
    raw[body.length + 2] = (byte) 0x28;
    HttpResponse<String> response =
        ferry.send(
            ferry
                .request("/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(raw))
                .build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"error\":\"invalid_client\"");
    assertStillServing();
  }

  @Test
  void htmlInADescriptionIsEscapedLikeGo() throws Exception {
    HttpResponse<String> response =
        ferry.postForm(
            "/token", Map.of("grant_type", "<script>&", "client_id", "x", "client_secret", "y"));
    assertThat(response.body()).isEqualTo("{\"error\":\"unsupported_grant_type\"}");
  }

  @Test
  void storageFailureIsAServerError() throws Exception {
    Storage broken =
        FaultyStorage.wrap(
            new MemoryStorage(),
            new AtomicBoolean(true),
            (method, arg) -> method.equals("getClient") && "boom".equals(arg));
    try (WebFixture f = WebFixture.builder().storage(broken).build()) {
      Map<String, String> form = exchangeForm();
      form.put("client_id", "boom");
      HttpResponse<String> response = f.postForm("/token", form);
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo("{\"error\":\"server_error\"}");
    }
  }

  @Test
  void saturatedWorkersAnswer503WithoutHanging() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TokenIdentityConnector blocking =
        (type, token) -> {
          if (token.equals("block")) {
            entered.countDown();
            try {
              release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return MockCallbackConnector.IDENTITY;
        };
    ExecutorService clients = Executors.newFixedThreadPool(2);
    try (WebFixture f =
        WebFixture.builder()
            .settings(s -> s.workers(1, 1, Duration.ofSeconds(15)))
            .connectorsFrom(storage ->
                id -> storage.connectors().get(id).map(d -> new OpenedConnector(d, blocking)))
            .build()) {
      Map<String, String> blockingForm = exchangeForm();
      blockingForm.put("subject_token", "block");
      Future<HttpResponse<String>> first = clients.submit(() -> f.postForm("/token", blockingForm));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      // The only worker is busy: of the next two requests one fills the queue, one is refused.
      ExecutorService more = Executors.newFixedThreadPool(2);
      try {
        CompletionService<HttpResponse<String>> done = new ExecutorCompletionService<>(more);
        done.submit(() -> f.postForm("/token", exchangeForm()));
        done.submit(() -> f.postForm("/token", exchangeForm()));
        Future<HttpResponse<String>> fast = done.poll(10, TimeUnit.SECONDS);
        assertThat(fast).as("one request refused at once").isNotNull();
        HttpResponse<String> refused = fast.get();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("\"error\":\"temporarily_unavailable\"");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        release.countDown();
        Future<HttpResponse<String>> queued = done.poll(20, TimeUnit.SECONDS);
        assertThat(queued).isNotNull();
        assertThat(queued.get().statusCode()).isEqualTo(200);
        assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      } finally {
        more.shutdownNow();
      }
    } finally {
      release.countDown();
      clients.shutdownNow();
    }
  }
}
