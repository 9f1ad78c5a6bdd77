package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private issuer end to end, as docs/machine-authentication.md describes it: a whole Ferry from
 * YAML whose {@code oidc} connector has a {@code jwksFile} (what {@code kubectl get --raw
 * /openid/v1/jwks} writes) for a Kubernetes service-account issuer that Ferry cannot reach, and a
 * trust rule on the namespace and the service account name. A real OAuth client library (the Nimbus
 * OAuth 2.0 SDK) does the token exchange over HTTP. The in-process upstream only mints tokens; it
 * must see no request at all.
 */
class PrivateIssuerEndToEndTest {
  private static final String CLUSTER = "https://kubernetes.default.svc.cluster.local";
  private static final String DEPLOYER = "system:serviceaccount:ci:deployer";

  @TempDir static Path dir;
  private static MutableClock clock;
  private static UpstreamIssuer cluster;
  private static Path jwksFile;
  private static RunningFerry ferry;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    cluster = UpstreamIssuer.builder().clock(clock).userInfo(false).start();
    jwksFile = dir.resolve("cluster-jwks.json");
    writeJwks(cluster.jwks());
    String yaml =
        """
        issuer: ${ISSUER}
        storage:
          type: sqlite3
          config:
            file: %1$s
        web:
          http: ${WEB}
        connectors:
        - type: oidc
          id: kubernetes
          name: Kubernetes
          config:
            issuer: %2$s
            jwksFile: %3$s
            scopes: [openid]
            userNameKey: sub
          trust:
            audiences: ["ferry"]
            rules:
            - name: ci-deployer
              clients: [deployer]
              condition: >-
                claims["kubernetes.io"].namespace == "ci" &&
                claims["kubernetes.io"].serviceaccount.name == "deployer"
        staticClients:
        - id: deployer
          name: Deployer
          secret: deployer-secret
        """
            .formatted(dir.resolve("dex.db"), CLUSTER, jwksFile);
    ferry = RunningFerry.start(dir, yaml, clock);
  }

  @AfterAll
  static void stop() {
    if (ferry != null) {
      ferry.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A projected service-account token as the kubelet mounts it. */
  private static UpstreamToken serviceAccount(String namespace, String name) {
    return cluster
        .token()
        .issuer(CLUSTER)
        .subject("system:serviceaccount:" + namespace + ":" + name)
        .audience(List.of("ferry"))
        .claim(
            "kubernetes.io",
            Map.of(
                "namespace",
                namespace,
                "serviceaccount",
                Map.of("name", name, "uid", "6f1e3b52-0c4a-4d4e-9a77-2f7e1c9b8d01")));
  }

  private static TokenResponse exchange(String subjectToken) throws Exception {
    TokenRequest request =
        new TokenRequest.Builder(
                URI.create(ferry.issuer + "/token"),
                new ClientSecretBasic(new ClientID("deployer"), new Secret("deployer-secret")),
                new TokenExchangeGrant(
                    new TypelessToken(subjectToken),
                    TokenTypeURI.ID_TOKEN,
                    null,
                    null,
                    TokenTypeURI.ACCESS_TOKEN,
                    null))
            .scope(new Scope("openid", "profile"))
            .customParameter("connector_id", "kubernetes")
            .build();
    return TokenResponse.parse(request.toHTTPRequest().send());
  }

  @Test
  void serviceAccountTokenIsExchangedWithTheIssuerUnreachable() throws Exception {
    TokenResponse response = exchange(serviceAccount("ci", "deployer").build());

    assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
    AccessTokenResponse success = response.toSuccessResponse();
    JWTClaimsSet issued =
        SignedJWT.parse(success.getTokens().getAccessToken().getValue()).getJWTClaimsSet();
    assertThat(issued.getIssuer()).isEqualTo(ferry.issuer);
    assertThat(issued.getAudience()).containsExactly("deployer");
    assertThat(issued.getStringClaim("name")).isEqualTo(DEPLOYER);
    assertThat(cluster.totalRequests()).as("requests to the cluster").isZero();
  }

  @Test
  void trustRuleRefusesAnotherNamespaceAndAnotherServiceAccount() throws Exception {
    for (UpstreamToken token :
        List.of(serviceAccount("prod", "deployer"), serviceAccount("ci", "builder"))) {
      TokenResponse response = exchange(token.build());
      assertThat(response.indicatesSuccess()).isFalse();
      TokenErrorResponse error = response.toErrorResponse();
      assertThat(error.getErrorObject().getCode()).isEqualTo("access_denied");
      assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(403);
    }
  }

  @Test
  void tokenOfAKeyNotInTheFileIsRefused() throws Exception {
    String forged =
        serviceAccount("ci", "deployer").signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA).build();
    TokenResponse response = exchange(forged);
    assertThat(response.indicatesSuccess()).isFalse();
    // Dex's answer to a subject token its connector refuses: 401 access_denied.
    assertThat(response.toErrorResponse().getErrorObject().getCode()).isEqualTo("access_denied");
    assertThat(response.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(401);
    assertThat(cluster.totalRequests()).isZero();
  }

  @Test
  void rotatedClusterKeyIsPickedUpFromTheChangedFile() throws Exception {
    String before = serviceAccount("ci", "deployer").build();
    assertThat(exchange(before).indicatesSuccess()).isTrue();

    cluster.rotateRsaKey();
    writeJwks(cluster.jwks());
    clock.advance(Duration.ofSeconds(5));
    String after = serviceAccount("ci", "deployer").build();
    TokenResponse response = exchange(after);
    assertThat(response.indicatesSuccess()).as(String.valueOf(response)).isTrue();
    // The old key left the file, so its tokens no longer verify.
    assertThat(exchange(before).indicatesSuccess()).isFalse();
    assertThat(cluster.totalRequests()).isZero();
  }

  private static void writeJwks(JWKSet keys) throws Exception {
    Path next = dir.resolve("cluster-jwks.json.next");
    Files.writeString(next, keys.toPublicJWKSet().toString(true), StandardCharsets.UTF_8);
    Files.move(next, jwksFile, StandardCopyOption.REPLACE_EXISTING);
  }
}
