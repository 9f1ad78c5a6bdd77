package dev.ferry.endpoint.token.grant;

import static dev.ferry.endpoint.token.grant.PersonGrantServer.CLIENT;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.CONNECTOR;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.JANE;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertError;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.assertSuccess;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.claims;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.form;
import static dev.ferry.endpoint.token.grant.PersonGrantServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.endpoint.token.grant.PersonGrantServer.Backend;
import dev.ferry.storage.AuthCode;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.Pkce;
import dev.ferry.storage.RefreshToken;
import dev.ferry.token.RefreshTokenCodec;
import dev.ferry.token.SubjectCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authorization_code grant through real HTTP, on memory and SQLite storage, with codes written
 * directly in storage as {@code /auth} leaves them (Dex: server/server_grant_authcode_test.go
 * TestHandleAuthCode; server/grants/authcode.go and pkce.go for every error).
 */
class AuthorizationCodeGrantTest {
  private static final String REDIRECT = "https://auth.example.com";
  private static final Instant AUTH_TIME = Instant.parse("2026-03-04T05:00:00Z");

  @TempDir Path dir;

  private static AuthCode code(String id, List<String> scopes, Pkce pkce) {
    return code(id, CLIENT, CONNECTOR, scopes, pkce, REDIRECT, WebFixture.START.plusSeconds(1800));
  }

  private static AuthCode code(
      String id,
      String clientId,
      String connectorId,
      List<String> scopes,
      Pkce pkce,
      String redirect,
      Instant expiry) {
    return new AuthCode(
        id,
        clientId,
        redirect,
        "nonce-1",
        scopes,
        connectorId,
        "{\"upstream\":\"data\"}".getBytes(StandardCharsets.UTF_8),
        JANE,
        expiry,
        pkce,
        "",
        AUTH_TIME);
  }

  private static Map<String, String> redeem(String code) {
    return form("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT);
  }

  private static String halfHash(String value) throws Exception {
    byte[] sum =
        MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sum, 16));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aCodeBuysDexsTokenSetOnce(Backend backend) throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            backend,
            dir,
            b -> b,
            s ->
                s.authCodes()
                    .create(code("code-1", List.of("openid", "email", "profile"), Pkce.NONE)))) {
      HttpResponse<String> response = ferry.token(redeem("code-1"));

      assertSuccess(response);
      JsonNode body = json(response);
      List<String> members = new ArrayList<>();
      body.fieldNames().forEachRemaining(members::add);
      assertThat(members).containsExactly("access_token", "token_type", "expires_in", "id_token");
      assertThat(body.path("token_type").asText()).isEqualTo("bearer");
      assertThat(body.path("expires_in").asLong()).isEqualTo(86399);

      String access = body.path("access_token").asText();
      JsonNode id = claims(body.path("id_token").asText());
      assertThat(id.path("iss").asText()).isEqualTo(ferry.web().issuer);
      assertThat(id.path("sub").asText()).isEqualTo(SubjectCodec.encode("1", CONNECTOR));
      assertThat(id.path("aud").asText()).isEqualTo(CLIENT);
      assertThat(id.path("nonce").asText()).isEqualTo("nonce-1");
      assertThat(id.path("auth_time").asLong()).isEqualTo(AUTH_TIME.getEpochSecond());
      assertThat(id.path("at_hash").asText()).isEqualTo(halfHash(access));
      assertThat(id.path("c_hash").asText()).isEqualTo(halfHash("code-1"));
      assertThat(id.path("email").asText()).isEqualTo("jane.doe@example.com");
      assertThat(id.path("email_verified").asBoolean()).isTrue();
      assertThat(id.path("name").asText()).isEqualTo("jane");
      assertThat(id.has("groups")).isFalse();
      JsonNode accessClaims = claims(access);
      assertThat(accessClaims.has("c_hash")).isFalse();
      assertThat(accessClaims.path("nonce").asText()).isEqualTo("nonce-1");

      assertThat(ferry.storage().authCodes().get("code-1")).isEmpty();
      // Dex: TestHandleAuthCode "Code Reuse should return invalid_grant".
      assertError(
          ferry.token(redeem("code-1")),
          400,
          "invalid_grant",
          "Invalid or expired code parameter.");
    }
  }

  /** Dex: TestHandleAuthCode "No Code should return invalid_request". */
  @Test
  void anEmptyCodeIsInvalidRequest() throws Exception {
    try (PersonGrantServer ferry = PersonGrantServer.start(Backend.MEMORY, dir)) {
      assertError(
          ferry.token(form("grant_type", "authorization_code", "redirect_uri", REDIRECT)),
          400,
          "invalid_request",
          "Required param: code.");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"unknown", "expired", "another client's"})
  void unknownExpiredAndForeignCodesAreInvalidGrantAndStayStored(String kind) throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            s -> {
              s.clients().create(Client.of("other", "other-secret", "Other"));
              s.authCodes()
                  .create(
                      code(
                          "code-1",
                          kind.equals("another client's") ? "other" : CLIENT,
                          CONNECTOR,
                          List.of("openid"),
                          Pkce.NONE,
                          REDIRECT,
                          kind.equals("expired")
                              ? WebFixture.START.minusSeconds(1)
                              : WebFixture.START.plusSeconds(1800)));
            })) {
      String code = kind.equals("unknown") ? "code-2" : "code-1";
      assertError(
          ferry.token(redeem(code)), 400, "invalid_grant", "Invalid or expired code parameter.");
      assertThat(ferry.storage().authCodes().get("code-1")).isPresent();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "S256 matches|E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM|S256|"
            + "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk|200||",
        "plain matches|plain-verifier-0123456789-0123456789-012345|plain|"
            + "plain-verifier-0123456789-0123456789-012345|200||",
        "S256 mismatch|E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM|S256|"
            + "wrong-verifier-0123456789-0123456789-0123456|400|invalid_grant|Invalid code_verifier.",
        "plain taken for S256|dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk|S256|"
            + "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk|400|invalid_grant|Invalid code_verifier.",
        "verifier without a flow|||dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk|400|invalid_request|"
            + "No PKCE flow started. Cannot check code_verifier.",
        "flow without a verifier|E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM|S256||400|"
            + "invalid_grant|Expecting parameter code_verifier in PKCE flow.",
        "a method Ferry never stores|abc|S512|abc|500|server_error|",
      })
  void pkceIsCheckedAsDexChecksIt(
      String name,
      String challenge,
      String method,
      String verifier,
      int status,
      String error,
      String description)
      throws Exception {
    Pkce pkce = new Pkce(nz(challenge), nz(method));
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            s -> s.authCodes().create(code("code-1", List.of("openid"), pkce)))) {
      Map<String, String> form = redeem("code-1");
      form.put("code_verifier", nz(verifier));
      HttpResponse<String> response = ferry.token(form);
      if (status == 200) {
        assertSuccess(response);
        assertThat(ferry.storage().authCodes().get("code-1")).isEmpty();
      } else {
        assertError(response, status, error, nz(description));
        // Checked before the code is spent: a client that got its verifier wrong may retry.
        assertThat(ferry.storage().authCodes().get("code-1")).isPresent();
      }
    }
  }

  private static String nz(String value) {
    return value == null ? "" : value;
  }

  @ParameterizedTest(name = "stored [{0}] sent [{1}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://auth.example.com|https://auth.example.com/|400",
        "https://auth.example.com||400",
        "https://auth.example.com|HTTPS://auth.example.com|400",
        "foo://bar.com/|https://auth.example.com|400",
        "||200",
        "foo://bar.com/|foo://bar.com/|200",
      })
  void theRedirectUriMustBeTheStoredOneByteForByte(String stored, String sent, int status)
      throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            s ->
                s.authCodes()
                    .create(
                        code(
                            "code-1",
                            CLIENT,
                            CONNECTOR,
                            List.of("openid"),
                            Pkce.NONE,
                            nz(stored),
                            WebFixture.START.plusSeconds(1800))))) {
      HttpResponse<String> response =
          ferry.token(
              form("grant_type", "authorization_code", "code", "code-1", "redirect_uri", nz(sent)));
      if (status == 200) {
        assertSuccess(response);
      } else {
        assertError(
            response,
            400,
            "invalid_request",
            "redirect_uri did not match URI from initial request.");
      }
    }
  }

  /** Deleting the code is the single-use gate: of concurrent redemptions exactly one wins. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void concurrentRedemptionsYieldOneTokenSet(Backend backend) throws Exception {
    int attempts = 6;
    try (PersonGrantServer ferry =
            PersonGrantServer.start(
                backend,
                dir,
                b -> b,
                s -> s.authCodes().create(code("code-1", List.of("openid"), Pkce.NONE)));
        ExecutorService pool = Executors.newFixedThreadPool(attempts)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> results = new ArrayList<>();
      for (int i = 0; i < attempts; i++) {
        results.add(
            pool.submit(() -> {
              go.await();
              return ferry.token(redeem("code-1"));
            }));
      }
      go.countDown();
      int won = 0;
      for (Future<HttpResponse<String>> result : results) {
        HttpResponse<String> response = result.get();
        if (response.statusCode() == 200) {
          won++;
        } else {
          assertError(response, 400, "invalid_grant", "Invalid or expired code parameter.");
        }
      }
      assertThat(won).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void offlineAccessThroughARefreshingConnectorBuysARefreshTokenInDexsRows(Backend backend)
      throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            backend,
            dir,
            b -> b,
            s ->
                s.authCodes()
                    .create(code("code-1", List.of("openid", "offline_access"), Pkce.NONE)))) {
      HttpResponse<String> response = ferry.token(redeem("code-1"));

      assertSuccess(response);
      JsonNode body = json(response);
      List<String> members = new ArrayList<>();
      body.fieldNames().forEachRemaining(members::add);
      assertThat(members)
          .containsExactly("access_token", "token_type", "expires_in", "refresh_token", "id_token");
      RefreshTokenCodec.Value value =
          RefreshTokenCodec.decode(body.path("refresh_token").asText()).orElseThrow();
      RefreshToken row = ferry.storage().refreshTokens().get(value.refreshId()).orElseThrow();
      assertThat(row.token()).isEqualTo(value.token()).hasSize(25);
      assertThat(row.obsoleteToken()).isEmpty();
      assertThat(row.clientId()).isEqualTo(CLIENT);
      assertThat(row.connectorId()).isEqualTo(CONNECTOR);
      assertThat(row.claims()).isEqualTo(JANE);
      assertThat(row.scopes()).containsExactly("openid", "offline_access");
      assertThat(row.nonce()).isEqualTo("nonce-1");
      assertThat(new String(row.connectorData(), StandardCharsets.UTF_8))
          .isEqualTo("{\"upstream\":\"data\"}");
      OfflineSessions session = ferry.session();
      assertThat(session.refresh()).containsOnlyKeys(CLIENT);
      assertThat(ferry.sessionRef(CLIENT).id()).isEqualTo(row.id());
      assertThat(new String(session.connectorData(), StandardCharsets.UTF_8))
          .isEqualTo("{\"upstream\":\"data\"}");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "no offline_access,test,openid",
    "connector forbids refresh_token,narrow,openid offline_access",
    "connector cannot refresh,plain,openid offline_access",
  })
  void noRefreshTokenUnlessDexWouldIssueOne(String name, String connector, String scopes)
      throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            s -> {
              s.connectors()
                  .create(
                      new Connector(
                          "narrow",
                          "mockCallback",
                          "Narrow",
                          "1",
                          "{}",
                          List.of("authorization_code")));
              s.connectors().create(new Connector("plain", "plain", "Plain", "1", "{}", List.of()));
              s.authCodes()
                  .create(
                      code(
                          "code-1",
                          CLIENT,
                          connector,
                          List.of(scopes.split(" ")),
                          Pkce.NONE,
                          REDIRECT,
                          WebFixture.START.plusSeconds(1800)));
            })) {
      HttpResponse<String> response = ferry.token(redeem("code-1"));
      assertSuccess(response);
      assertThat(json(response).has("refresh_token")).isFalse();
      assertThat(ferry.storage().refreshTokens().list()).isEmpty();
      assertThat(ferry.storage().offlineSessions().list()).isEmpty();
    }
  }

  @Test
  void withoutOpenidThereIsNoIdToken() throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            s -> s.authCodes().create(code("code-1", List.of("email"), Pkce.NONE)))) {
      HttpResponse<String> response = ferry.token(redeem("code-1"));
      assertSuccess(response);
      JsonNode body = json(response);
      assertThat(body.has("id_token")).isFalse();
      assertThat(body.path("expires_in").asLong()).isEqualTo(86399);
      assertThat(claims(body.path("access_token").asText()).path("email").asText())
          .isEqualTo("jane.doe@example.com");
    }
  }

  /** Dex: RefreshStore.Create keeps one refresh token per user, connector and client. */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void aNewLoginReplacesTheClientsPreviousRefreshToken(Backend backend) throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            backend,
            dir,
            b -> b,
            s -> {
              s.authCodes().create(code("code-1", List.of("openid", "offline_access"), Pkce.NONE));
              s.authCodes().create(code("code-2", List.of("openid", "offline_access"), Pkce.NONE));
            })) {
      String first = json(ferry.token(redeem("code-1"))).path("refresh_token").asText();
      String second = json(ferry.token(redeem("code-2"))).path("refresh_token").asText();

      String firstId = RefreshTokenCodec.decode(first).orElseThrow().refreshId();
      String secondId = RefreshTokenCodec.decode(second).orElseThrow().refreshId();
      assertThat(ferry.storage().refreshTokens().get(firstId)).isEmpty();
      Iterator<RefreshToken> rows = ferry.storage().refreshTokens().list().iterator();
      assertThat(rows.next().id()).isEqualTo(secondId);
      assertThat(rows.hasNext()).isFalse();
      assertThat(ferry.sessionRef(CLIENT).id()).isEqualTo(secondId);
      assertError(
          ferry.token(form("grant_type", "refresh_token", "refresh_token", first)),
          400,
          "invalid_request",
          "Refresh token is invalid or has already been claimed by another client.");
      assertSuccess(ferry.token(form("grant_type", "refresh_token", "refresh_token", second)));
    }
  }

  @Test
  void aConnectorRemovedSinceTheLoginIsAServerError() throws Exception {
    try (PersonGrantServer ferry =
        PersonGrantServer.start(
            Backend.MEMORY,
            dir,
            b -> b,
            s ->
                s.authCodes()
                    .create(
                        code(
                            "code-1",
                            CLIENT,
                            "gone",
                            List.of("openid"),
                            Pkce.NONE,
                            REDIRECT,
                            WebFixture.START.plusSeconds(Duration.ofMinutes(30).toSeconds()))))) {
      assertError(ferry.token(redeem("code-1")), 500, "server_error", "");
    }
  }
}
