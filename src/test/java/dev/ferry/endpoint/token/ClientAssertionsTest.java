package dev.ferry.endpoint.token;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.mock.MockCallbackConnector;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.WebFixture;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.policy.FederatedCredential;
import dev.ferry.policy.FederatedCredentials;
import dev.ferry.storage.Client;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * {@link ClientAssertions} through the token endpoint, with stand-in connectors that accept any
 * well-formed JWS (the signature is the real connectors' business, tested with them): which
 * connectors an assertion is tried with, and that every assertion Ferry cannot read is {@code 401
 * invalid_client}, never a server error.
 */
class ClientAssertionsTest {
  private static final String SUB = "system:serviceaccount:ci:deployer";
  private static final String KUBE_ISSUER = "https://kubernetes.default.svc";
  private static final String GOOGLE_ISSUER = "https://accounts.google.com";
  private static final String INVALID_CLIENT =
      "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client credentials.\"}";
  private static final byte[] HMAC_KEY = new byte[32];

  private static WebFixture ferry;

  /** Accepts any JWS as the upstream would after verifying it; claims are the payload. */
  private record StandIn(String issuer) implements TokenIdentityConnector {
    @Override
    public VerifiedSubject tokenIdentity(String type, String token) throws IdentityException {
      JWTClaimsSet claims;
      try {
        claims = SignedJWT.parse(token).getJWTClaimsSet();
      } catch (ParseException e) {
        throw new IdentityException("oidc: malformed jwt");
      }
      return new VerifiedSubject(
          new SubjectToken(
              type,
              String.valueOf(claims.getIssuer()),
              claims.getAudience(),
              Optional.empty(),
              Optional.ofNullable(claims.getExpirationTime()).map(java.util.Date::toInstant),
              Optional.empty()),
          VerifiedSubject.jsonObject(claims.toJSONObject()),
          MockCallbackConnector.IDENTITY);
    }

    @Override
    public Optional<String> tokenIssuer() {
      return Optional.of(issuer);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Map<String, TokenIdentityConnector> connectors =
        Map.of("kube", new StandIn(KUBE_ISSUER), "google", new StandIn(GOOGLE_ISSUER));
    FederatedCredential kube = new FederatedCredential("kube", SUB, Optional.empty());
    FederatedCredential google = new FederatedCredential("google", SUB, Optional.empty());
    ferry =
        WebFixture.builder()
            .setup(storage -> {
              for (String id : connectors.keySet()) {
                storage
                    .connectors()
                    .create(new dev.ferry.storage.Connector(id, "oidc", id, "1", "{}", List.of()));
              }
              storage.clients().create(Client.of("free", "", "Free"));
              storage.clients().create(Client.of("googler", "", "Google workload"));
              // The configuration refuses a credential on a connector allowedConnectors leaves
              // out; a stored client can still change after the credentials were loaded.
              storage
                  .clients()
                  .create(
                      Client.of("restricted", "", "Restricted")
                          .withAllowedConnectors(List.of("elsewhere")));
            })
            .connectorsFrom(storage ->
                id ->
                    storage
                        .connectors()
                        .get(id)
                        .flatMap(definition ->
                            Optional.ofNullable(connectors.get(id))
                                .map(connector -> new OpenedConnector(definition, connector))))
            .federatedCredentials(
                new FederatedCredentials(
                    Map.of(
                        "free",
                        List.of(kube),
                        "restricted",
                        List.of(kube),
                        "googler",
                        List.of(google))))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (ferry != null) {
      ferry.close();
    }
  }

  private static String jws(String issuer) throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(SUB)
                .audience(ferry.issuer)
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(600)))
                .build());
    jwt.sign(new MACSigner(HMAC_KEY));
    return jwt.serialize();
  }

  private static HttpResponse<String> clientCredentials(String clientId, String assertion)
      throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", GrantTypes.CLIENT_CREDENTIALS);
    form.put("client_id", clientId);
    form.put("client_assertion_type", GrantTypes.CLIENT_ASSERTION_JWT_BEARER);
    form.put("client_assertion", assertion);
    return ferry.postForm("/token", form);
  }

  /** The request's answer and the reasons ClientAssertions logged for it. */
  private record Logged(HttpResponse<String> response, List<String> reasons) {}

  private static Logged logged(String clientId, String assertion) throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(ClientAssertions.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level previous = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    HttpResponse<String> response;
    try {
      response = clientCredentials(clientId, assertion);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(previous);
    }
    List<String> reasons = new ArrayList<>();
    synchronized (appender) {
      for (ILoggingEvent event : appender.list) {
        if (event.getKeyValuePairs() != null) {
          event.getKeyValuePairs().stream()
              .filter(kv -> kv.key.equals("reasons"))
              .forEach(kv -> reasons.add(String.valueOf(kv.value)));
        }
      }
    }
    return new Logged(response, reasons);
  }

  @Test
  void aConnectorOutsideTheClientsAllowedConnectorsIsNotTried() throws Exception {
    String assertion = jws(KUBE_ISSUER);
    assertThat(clientCredentials("free", assertion).statusCode()).isEqualTo(200);

    Logged refused = logged("restricted", assertion);
    assertThat(refused.response().statusCode()).isEqualTo(401);
    assertThat(refused.response().body()).isEqualTo(INVALID_CLIENT);
    assertThat(refused.reasons())
        .singleElement()
        .asString()
        .contains("connector kube is not in the client's allowedConnectors");
  }

  /**
   * Encrypted (five parts): its claims are unreadable without the key, and no connector takes it.
   */
  static String jwe() throws JOSEException {
    EncryptedJWT jwt =
        new EncryptedJWT(
            new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A128GCM),
            new JWTClaimsSet.Builder().issuer(KUBE_ISSUER).subject(SUB).build());
    jwt.encrypt(new DirectEncrypter(new byte[16]));
    return jwt.serialize();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Arguments> unreadable() throws Exception {
    String hs256 = b64("{\"alg\":\"HS256\"}");
    return Stream.of(
        Arguments.of("an encrypted JWT", jwe()),
        Arguments.of("claims that are an array", hs256 + "." + b64("[1,2]") + ".c2ln"),
        Arguments.of("claims that are a string", hs256 + "." + b64("\"iss\"") + ".c2ln"),
        Arguments.of("claims that are not JSON", hs256 + ".bm90LWpzb24.c2ln"),
        Arguments.of("a header that is not JSON", "bm90LWpzb24." + b64("{}") + ".c2ln"),
        Arguments.of("an unsecured JWT", b64("{\"alg\":\"none\"}") + "." + b64("{}") + "."),
        Arguments.of("two parts", hs256 + "." + b64("{}")),
        Arguments.of("not a JWT", "not-a-jwt"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void anAssertionThatIsNotASignedJwtIsInvalidClient(String name, String assertion)
      throws Exception {
    Logged refused = logged("free", assertion);
    assertThat(refused.response().statusCode()).isEqualTo(401);
    assertThat(refused.response().body()).isEqualTo(INVALID_CLIENT);
    assertThat(refused.reasons())
        .singleElement()
        .asString()
        .startsWith("client_assertion is not a signed JWT: ");
  }

  /** The oidc connector's verifier accepts Google's short iss; choosing the connector must too. */
  @Test
  void googlesShortIssuerFindsTheGoogleConnector() throws Exception {
    HttpResponse<String> response = clientCredentials("googler", jws("accounts.google.com"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(clientCredentials("googler", jws(GOOGLE_ISSUER)).statusCode()).isEqualTo(200);

    Logged other = logged("googler", jws("google.com"));
    assertThat(other.response().statusCode()).isEqualTo(401);
    assertThat(other.reasons())
        .singleElement()
        .asString()
        .contains(
            "connector google verifies tokens of https://accounts.google.com, not google.com");
  }

  /**
   * The client assertion limit is the connectors' limit on upstream tokens: up to it the assertion
   * is looked at (here refused as no JWT), one character more is refused unread.
   */
  @Test
  void anAssertionLongerThanTheConnectorsTokenLimitIsInvalidRequest() throws Exception {
    int limit = UpstreamHttpSettings.defaults().maxTokenBytes();
    assertThat(ClientAuthenticator.MAX_ASSERTION_CHARS).isEqualTo(limit);

    Logged atLimit = logged("free", "a".repeat(limit));
    assertThat(atLimit.response().statusCode()).isEqualTo(401);
    assertThat(atLimit.reasons())
        .singleElement()
        .asString()
        .startsWith("client_assertion is not a signed JWT: ");

    HttpResponse<String> over = clientCredentials("free", "a".repeat(limit + 1));
    assertThat(over.statusCode()).isEqualTo(400);
    assertThat(over.body())
        .isEqualTo(
            "{\"error\":\"invalid_request\",\"error_description\":\"client_assertion is longer"
                + " than "
                + limit
                + " characters.\"}");
  }
}
