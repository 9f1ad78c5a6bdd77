package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.AccessTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.AuthorizationCodeValidator;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.ferry.testing.BrowserlessLogin;
import dev.ferry.testing.MutableClock;
import dev.ferry.token.SubjectCodec;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * People's login end to end, driven by a real OpenID Connect client library (Nimbus OAuth 2.0 SDK
 * with OpenID Connect extensions): discovery, authorization code with PKCE (S256) against the local
 * password database, the ID token verified against {@code /keys} with nonce, {@code at_hash} and
 * {@code c_hash}, refresh with rotation and {@code expiry.refreshTokens.reuseInterval} (Dex's
 * rules: no rotation within the interval of the last use, the previous value answered with the
 * current one within it), and refresh tokens that survive a restart on the same SQLite database.
 * Time is a {@link MutableClock} close to now (the client library checks {@code iat}/{@code exp}
 * against its own clock).
 */
class HumanLoginEndToEndTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String USER_ID = "08a8684b-db88-4b73-90a9-3cd1661f5466";
  private static final URI REDIRECT = URI.create("http://127.0.0.1:5555/callback");
  private static final ClientID APP = new ClientID("example-app");
  private static final Secret APP_SECRET = new Secret("example-app-secret");

  @TempDir Path dir;
  private MutableClock clock;
  private RunningFerry ferry;
  private int port;
  private String yaml;

  @BeforeEach
  void start() throws Exception {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String hash =
        OpenBSDBCrypt.generate(
            "2a", PASSWORD.toCharArray(), new SecureRandom().generateSeed(16), 10);
    yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: sqlite3
          config:
            file: %s
        web:
          http: ${WEB}
        enablePasswordDB: true
        staticPasswords:
        - email: "jane@example.com"
          hash: "%s"
          username: "jane"
          userID: "%s"
        expiry:
          refreshTokens:
            reuseInterval: 3s
        staticClients:
        - id: example-app
          name: Example App
          secret: example-app-secret
          redirectURIs: ['%s']
        """
            .formatted(dir.resolve("ferry.db"), hash, USER_ID, REDIRECT);
    port = RunningFerry.freePort();
    ferry = startFerry();
  }

  private RunningFerry startFerry() throws Exception {
    return RunningFerry.start(dir, yaml, clock, "http://127.0.0.1:" + port + "/dex", port);
  }

  @AfterEach
  void stop() {
    if (ferry != null) {
      ferry.close();
    }
  }

  private OIDCProviderMetadata discover() throws Exception {
    return OIDCProviderMetadata.resolve(new Issuer(ferry.issuer));
  }

  /** One login through the browser flow; returns the code response and what was sent. */
  private record Login(AuthorizationCode code, CodeVerifier verifier, Nonce nonce) {}

  private Login login(OIDCProviderMetadata metadata, Scope scope) throws Exception {
    CodeVerifier verifier = new CodeVerifier();
    State state = new State();
    Nonce nonce = new Nonce();
    AuthenticationRequest request =
        new AuthenticationRequest.Builder(new ResponseType("code"), scope, APP, REDIRECT)
            .endpointURI(metadata.getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build();
    URI back =
        new BrowserlessLogin(REDIRECT.toString())
            .login(request.toURI(), "jane@example.com", PASSWORD);
    assertThat(back.toString()).startsWith(REDIRECT + "?");
    AuthenticationResponse response = AuthenticationResponseParser.parse(back);
    assertThat(response.indicatesSuccess()).as(back.toString()).isTrue();
    assertThat(response.getState()).isEqualTo(state);
    return new Login(response.toSuccessResponse().getAuthorizationCode(), verifier, nonce);
  }

  private TokenResponse token(OIDCProviderMetadata metadata, AuthorizationGrant grant)
      throws Exception {
    TokenRequest request =
        new TokenRequest.Builder(
                metadata.getTokenEndpointURI(), new ClientSecretBasic(APP, APP_SECRET), grant)
            .build();
    return OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
  }

  private IDTokenClaimsSet verify(OIDCProviderMetadata metadata, JWT idToken, Nonce nonce)
      throws Exception {
    IDTokenValidator validator =
        new IDTokenValidator(
            metadata.getIssuer(), APP, JWSAlgorithm.RS256, metadata.getJWKSetURI().toURL());
    return validator.validate(idToken, nonce);
  }

  @Test
  void authorizationCodeWithPkceThenRefreshWithRotationAndReuseInterval() throws Exception {
    OIDCProviderMetadata metadata = discover();
    Login login =
        login(metadata, new Scope("openid", "email", "profile", "groups", "offline_access"));

    TokenResponse response =
        token(metadata, new AuthorizationCodeGrant(login.code(), REDIRECT, login.verifier()));
    assertThat(response.indicatesSuccess())
        .as(String.valueOf(response.toHTTPResponse().getBody()))
        .isTrue();
    OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
    JWT idToken = tokens.getOIDCTokens().getIDToken();
    IDTokenClaimsSet claims = verify(metadata, idToken, login.nonce());
    assertThat(claims.getSubject().getValue()).isEqualTo(SubjectCodec.encode(USER_ID, "local"));
    assertThat(claims.getStringClaim("email")).isEqualTo("jane@example.com");
    assertThat(claims.getBooleanClaim("email_verified")).isTrue();
    assertThat(claims.getStringClaim("name")).isEqualTo("jane");
    AccessTokenValidator.validate(
        tokens.getOIDCTokens().getAccessToken(), JWSAlgorithm.RS256, claims.getAccessTokenHash());
    AuthorizationCodeValidator.validate(login.code(), JWSAlgorithm.RS256, claims.getCodeHash());
    RefreshToken first = tokens.getOIDCTokens().getRefreshToken();
    assertThat(first).as("offline_access through a refreshing connector").isNotNull();

    // The code is single use.
    TokenResponse replay =
        token(metadata, new AuthorizationCodeGrant(login.code(), REDIRECT, login.verifier()));
    assertThat(replay.indicatesSuccess()).isFalse();
    assertThat(((TokenErrorResponse) replay).getErrorObject().getCode()).isEqualTo("invalid_grant");

    // Within reuseInterval (3s) of its last use a refresh token is not rotated (Dex's
    // RefreshStrategy.AllowedToReuse): the same value comes back.
    OIDCTokenResponse early =
        (OIDCTokenResponse) token(metadata, new RefreshTokenGrant(first)).toSuccessResponse();
    assertThat(early.getOIDCTokens().getRefreshToken()).isEqualTo(first);

    // Past it, every use rotates: a new value, and fresh tokens that verify.
    clock.advance(Duration.ofSeconds(4));
    OIDCTokenResponse refreshed =
        (OIDCTokenResponse) token(metadata, new RefreshTokenGrant(first)).toSuccessResponse();
    RefreshToken second = refreshed.getOIDCTokens().getRefreshToken();
    assertThat(second).isNotNull();
    assertThat(second.getValue()).isNotEqualTo(first.getValue());
    IDTokenClaimsSet refreshedClaims =
        verify(metadata, refreshed.getOIDCTokens().getIDToken(), login.nonce());
    assertThat(refreshedClaims.getSubject()).isEqualTo(claims.getSubject());

    // A retry of the previous value within reuseInterval (a lost response) gets the current one.
    clock.advance(Duration.ofSeconds(2));
    OIDCTokenResponse retried =
        (OIDCTokenResponse) token(metadata, new RefreshTokenGrant(first)).toSuccessResponse();
    assertThat(retried.getOIDCTokens().getRefreshToken()).isEqualTo(second);

    // Past it the previous value is refused with Dex's error; the current one still rotates.
    clock.advance(Duration.ofSeconds(5));
    TokenResponse stale = token(metadata, new RefreshTokenGrant(first));
    assertThat(stale.indicatesSuccess()).isFalse();
    assertThat(((TokenErrorResponse) stale).getErrorObject().getCode())
        .isEqualTo("invalid_request");
    assertThat(((TokenErrorResponse) stale).getErrorObject().getDescription())
        .isEqualTo("Refresh token is invalid or has already been claimed by another client.");
    OIDCTokenResponse third =
        (OIDCTokenResponse) token(metadata, new RefreshTokenGrant(second)).toSuccessResponse();
    assertThat(third.getOIDCTokens().getRefreshToken()).isNotIn(first, second);
  }

  @Test
  void wrongVerifierIsRefusedAndRefreshTokensSurviveARestart() throws Exception {
    OIDCProviderMetadata metadata = discover();
    Login login = login(metadata, new Scope("openid", "offline_access"));

    TokenResponse wrong =
        token(metadata, new AuthorizationCodeGrant(login.code(), REDIRECT, new CodeVerifier()));
    assertThat(((TokenErrorResponse) wrong).getErrorObject().getCode()).isEqualTo("invalid_grant");
    assertThat(((TokenErrorResponse) wrong).getErrorObject().getDescription())
        .isEqualTo("Invalid code_verifier.");

    Login again = login(metadata, new Scope("openid", "offline_access"));
    OIDCTokenResponse tokens =
        (OIDCTokenResponse)
            token(metadata, new AuthorizationCodeGrant(again.code(), REDIRECT, again.verifier()))
                .toSuccessResponse();
    RefreshToken refresh = tokens.getOIDCTokens().getRefreshToken();
    assertThat(refresh).isNotNull();

    ferry.close();
    ferry = startFerry();
    OIDCProviderMetadata restarted = discover();
    TokenResponse after = token(restarted, new RefreshTokenGrant(refresh));
    assertThat(after.indicatesSuccess())
        .as(String.valueOf(after.toHTTPResponse().getBody()))
        .isTrue();
    verify(
        restarted,
        ((OIDCTokenResponse) after.toSuccessResponse()).getOIDCTokens().getIDToken(),
        again.nonce());
  }
}
