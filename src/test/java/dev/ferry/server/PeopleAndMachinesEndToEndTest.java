package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.ferry.testing.BrowserlessLogin;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.token.SubjectCodec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * People and machines on one Ferry, as the Dex guide advises ("a dedicated public client for token
 * exchange and ... cross-client trust"): people log in to the {@code app} client through an
 * upstream OpenID Connect provider (an in-process one that approves every login) or the password
 * database, and CI jobs exchange their platform's token through the public {@code ci-exchange}
 * client, which {@code app} lists in {@code trustedPeers}. Both end up with tokens whose audience
 * names {@code app}, verified with a real OIDC client library against {@code /keys}; a person's
 * refresh goes through the upstream and picks up what changed there.
 */
class PeopleAndMachinesEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final URI REDIRECT = URI.create("http://127.0.0.1:5555/oauth2/callback");
  private static final ClientID APP = new ClientID("app");
  private static final Secret APP_SECRET = new Secret("app-secret");

  @TempDir static Path dir;
  private static UpstreamIssuer corp;
  private static UpstreamIssuer ci;
  private static RunningFerry ferry;
  private static OIDCProviderMetadata metadata;

  @BeforeAll
  static void start() throws Exception {
    corp = UpstreamIssuer.builder().start();
    ci = UpstreamIssuer.builder().userInfo(false).start();
    int port = RunningFerry.freePort();
    String issuer = "http://127.0.0.1:" + port + "/dex";
    corp.login().client("ferry", "ferry-upstream-secret");
    String yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: memory
        web:
          http: ${WEB}
        oauth2:
          skipApprovalScreen: true
        enablePasswordDB: true
        staticPasswords:
        - email: "admin@example.com"
          # bcrypt of "password", as in Dex's example config
          hash: "$2a$10$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W"
          username: "admin"
          userID: "08a8684b-db88-4b73-90a9-3cd1661f5466"
        connectors:
        - type: oidc
          id: corp
          name: Corp SSO
          grantTypes: [authorization_code, refresh_token]
          config:
            issuer: %s
            clientID: ferry
            clientSecret: ferry-upstream-secret
            redirectURI: %s/callback
            scopes: [openid, profile, email, groups, offline_access]
            insecureEnableGroups: true
        - type: oidc
          id: ci
          name: CI jobs
          grantTypes: ["urn:ietf:params:oauth:grant-type:token-exchange"]
          config:
            issuer: %s
            scopes: [openid]
            userNameKey: sub
        staticClients:
        - id: app
          name: The App
          secret: app-secret
          redirectURIs: ['%s']
          trustedPeers: [ci-exchange]
        - id: ci-exchange
          name: CI token exchange
          public: true
          secret: ci-exchange-secret
        """
            .formatted(corp.issuer(), issuer, ci.issuer(), REDIRECT);
    ferry = RunningFerry.start(dir, yaml, Clock.systemUTC(), issuer, port);
    metadata = OIDCProviderMetadata.resolve(new Issuer(ferry.issuer));
  }

  @AfterAll
  static void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (corp != null) {
      corp.close();
    }
    if (ci != null) {
      ci.close();
    }
  }

  private record Login(URI back, CodeVerifier verifier, Nonce nonce, State state) {}

  private static Login login(Scope scope, String connectorId, String username, String password)
      throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    State state = new State();
    Nonce nonce = new Nonce();
    AuthenticationRequest.Builder request =
        new AuthenticationRequest.Builder(new ResponseType("code"), scope, APP, REDIRECT)
            .endpointURI(metadata.getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256);
    if (!connectorId.isEmpty()) {
      request.customParameter("connector_id", connectorId);
    }
    URI back =
        new BrowserlessLogin(REDIRECT.toString())
            .login(request.build().toURI(), username, password);
    return new Login(back, verifier, nonce, state);
  }

  private static OIDCTokenResponse token(AuthorizationGrant grant) throws Exception {
    TokenResponse response =
        OIDCTokenResponseParser.parse(
            new TokenRequest.Builder(
                    metadata.getTokenEndpointURI(), new ClientSecretBasic(APP, APP_SECRET), grant)
                .build()
                .toHTTPRequest()
                .send());
    assertThat(response.indicatesSuccess())
        .as(String.valueOf(response.toHTTPResponse().getBody()))
        .isTrue();
    return (OIDCTokenResponse) response.toSuccessResponse();
  }

  private static IDTokenClaimsSet verifyForApp(JWT token, @Nullable Nonce nonce) throws Exception {
    return new IDTokenValidator(
            metadata.getIssuer(), APP, JWSAlgorithm.RS256, metadata.getJWKSetURI().toURL())
        .validate(token, nonce);
  }

  private static OIDCTokenResponse redeem(Login login) throws Exception {
    var response = AuthenticationResponseParser.parse(login.back());
    assertThat(response.indicatesSuccess()).as(login.back().toString()).isTrue();
    assertThat(response.getState()).isEqualTo(login.state());
    return token(
        new AuthorizationCodeGrant(
            response.toSuccessResponse().getAuthorizationCode(), REDIRECT, login.verifier()));
  }

  @Test
  void aPersonLogsInThroughTheUpstreamAndRefreshesThroughIt() throws Exception {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("sub", "corp-user-42");
    user.put("name", "Ada Lovelace");
    user.put("preferred_username", "ada");
    user.put("email", "ada@corp.example");
    user.put("email_verified", true);
    user.put("groups", List.of("engineering"));
    corp.login().user(user);

    Login login =
        login(new Scope("openid", "email", "profile", "groups", "offline_access"), "corp", "", "");
    // The upstream saw Ferry as its client, with Ferry's callback.
    assertThat(corp.login().lastAuthorizeQuery())
        .containsEntry("client_id", "ferry")
        .containsEntry("redirect_uri", ferry.issuer + "/callback");
    OIDCTokenResponse tokens = redeem(login);
    IDTokenClaimsSet claims = verifyForApp(tokens.getOIDCTokens().getIDToken(), login.nonce());
    assertThat(claims.getSubject().getValue())
        .isEqualTo(SubjectCodec.encode("corp-user-42", "corp"));
    assertThat(claims.getStringClaim("email")).isEqualTo("ada@corp.example");
    assertThat(claims.getStringListClaim("groups")).containsExactly("engineering");
    RefreshToken refresh = tokens.getOIDCTokens().getRefreshToken();
    assertThat(refresh).isNotNull();

    // The upstream changes the user's groups; Ferry's refresh asks the upstream and follows.
    user.put("groups", List.of("engineering", "oncall"));
    corp.login().user(user);
    OIDCTokenResponse refreshed = token(new RefreshTokenGrant(refresh));
    assertThat(corp.login().lastTokenForm()).containsEntry("grant_type", "refresh_token");
    IDTokenClaimsSet after = verifyForApp(refreshed.getOIDCTokens().getIDToken(), login.nonce());
    assertThat(after.getSubject()).isEqualTo(claims.getSubject());
    assertThat(after.getStringListClaim("groups")).containsExactly("engineering", "oncall");

    // The upstream ends the session: the next refresh is refused, not answered with stale claims.
    corp.login().revokeRefreshTokens();
    RefreshToken current = refreshed.getOIDCTokens().getRefreshToken();
    TokenResponse refused =
        OIDCTokenResponseParser.parse(
            new TokenRequest.Builder(
                    metadata.getTokenEndpointURI(),
                    new ClientSecretBasic(APP, APP_SECRET),
                    new RefreshTokenGrant(current))
                .build()
                .toHTTPRequest()
                .send());
    assertThat(refused.indicatesSuccess()).isFalse();
    assertThat(refused.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
  }

  @Test
  void withTwoConnectorsThePersonChoosesAndThePasswordDatabaseWorksToo() throws Exception {
    HttpResponse<String> choice =
        ferry.get(
            "/auth?client_id=app&response_type=code&scope=openid&state=s1&redirect_uri="
                + REDIRECT);
    assertThat(choice.statusCode()).isEqualTo(200);
    assertThat(choice.body()).contains("/dex/auth/local?").contains("/dex/auth/corp?");

    Login login = login(new Scope("openid", "email"), "local", "admin@example.com", "password");
    OIDCTokenResponse tokens = redeem(login);
    IDTokenClaimsSet claims = verifyForApp(tokens.getOIDCTokens().getIDToken(), login.nonce());
    assertThat(claims.getSubject().getValue())
        .isEqualTo(SubjectCodec.encode("08a8684b-db88-4b73-90a9-3cd1661f5466", "local"));
    assertThat(tokens.getOIDCTokens().getRefreshToken()).as("no offline_access asked").isNull();
  }

  @Test
  void aCiJobExchangesItsTokenForOneTheAppAcceptsThroughCrossClientTrust() throws Exception {
    String ciToken =
        ci.token().subject("repo:acme/api:ref:refs/heads/main").audience("ferry").build();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
    form.put("connector_id", "ci");
    form.put("scope", "openid audience:server:client_id:app");
    form.put("requested_token_type", "urn:ietf:params:oauth:token-type:id_token");
    form.put("subject_token", ciToken);
    form.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
    HttpResponse<String> response =
        ferry.postForm("/token", form, "ci-exchange:ci-exchange-secret");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    JWT token = JWTParser.parse(body.get("access_token").asText());

    // The app validates it exactly as it validates a person's ID token: issuer, signature from
    // /keys, and its own client id in the audience; azp names the machine client.
    IDTokenClaimsSet claims = verifyForApp(token, null);
    assertThat(claims.getAudience())
        .containsExactly(new Audience("app"), new Audience("ci-exchange"));
    assertThat(claims.getStringClaim("azp")).isEqualTo("ci-exchange");
    assertThat(claims.getSubject().getValue())
        .isEqualTo(SubjectCodec.encode("repo:acme/api:ref:refs/heads/main", "ci"));

    // The machine's connector is for token exchange only: a browser login through it is refused.
    HttpResponse<String> browser =
        ferry.get(
            "/auth?client_id=app&response_type=code&scope=openid&state=s2&connector_id=ci"
                + "&redirect_uri="
                + REDIRECT);
    assertThat(browser.statusCode()).isBetween(400, 499);
  }
}
