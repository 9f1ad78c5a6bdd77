package dev.ferry.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ferry.server.RunningFerry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ferry started from the Kubernetes recipe's {@code ferry.yaml} as it is, with only what differs on
 * a test machine replaced: the issuer and listen addresses, the database file and the path of the
 * cluster's key file. The cluster issuer stays the recipe's: with a {@code jwksFile} Ferry never
 * resolves it.
 */
final class KubeFerry implements AutoCloseable {
  static final Path CONFIG = Path.of("docs/recipes/kubernetes/ferry.yaml");

  /** The Ferry URL the recipes use; tests replace it with the running Ferry's issuer. */
  static final String RECIPE_ISSUER = "https://ferry.example.com";

  private static final Pattern TOKEN_REQUESTS =
      Pattern.compile("(?m)^http_requests_total\\{[^}]*handler=\"/token\"[^}]*} ([0-9.Ee+]+)$");

  private final RunningFerry ferry;

  private KubeFerry(RunningFerry ferry) {
    this.ferry = ferry;
  }

  static KubeFerry start(Path dir, Path clusterJwks, Clock clock) throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode config = (ObjectNode) yaml.readTree(CONFIG.toFile());
    assertThat(config.path("issuer").asText()).isEqualTo(RECIPE_ISSUER);
    config.put("issuer", "${ISSUER}");
    ((ObjectNode) config.path("storage").path("config"))
        .put("file", dir.resolve("ferry.db").toString());
    ((ObjectNode) config.path("web")).put("http", "${WEB}");
    ((ObjectNode) config.path("telemetry")).put("http", "${TELEMETRY}");
    List<JsonNode> clusters = new ArrayList<>();
    config
        .path("connectors")
        .forEach(c -> {
          if (c.at("/config/jwksFile").isTextual()) {
            clusters.add(c);
          }
        });
    assertThat(clusters).as("connectors with a jwksFile").hasSize(1);
    JsonNode connector = clusters.get(0);
    assertThat(connector.at("/config/issuer").asText()).isEqualTo(KubeCluster.ISSUER);
    ((ObjectNode) connector.path("config")).put("jwksFile", clusterJwks.toString());
    Path dataDir = Files.createDirectories(dir.resolve("ferry"));
    return new KubeFerry(RunningFerry.start(dataDir, yaml.writeValueAsString(config), clock));
  }

  String issuer() {
    return ferry.issuer;
  }

  /** {@code arg} with the recipe's Ferry URL replaced by the running Ferry's issuer. */
  String substitute(String arg) {
    return arg.replace(RECIPE_ISSUER, ferry.issuer);
  }

  /** The claims of {@code token} once its signature verifies with a key of Ferry's JWKS. */
  JWTClaimsSet verify(String token) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    JWKSet keys = JWKSet.parse(ferry.get("/keys").body());
    JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(key).as("Ferry's JWKS has the key %s", jwt.getHeader().getKeyID()).isNotNull();
    assertThat(key).isInstanceOf(AsymmetricJWK.class);
    JWSVerifier verifier =
        new DefaultJWSVerifierFactory()
            .createJWSVerifier(jwt.getHeader(), ((AsymmetricJWK) key).toPublicKey());
    assertThat(jwt.verify(verifier)).as("signature by Ferry").isTrue();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(ferry.issuer);
    return claims;
  }

  /**
   * A SHA-256 prefix of {@code token}: what assertions compare, so that a failure message shows no
   * token.
   */
  static String fingerprint(String token) throws Exception {
    byte[] hash =
        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    return "sha256:" + HexFormat.of().formatHex(hash, 0, 8);
  }

  /** Requests Ferry's token endpoint answered, from its {@code http_requests_total}. */
  long tokenRequests() throws Exception {
    String metrics = ferry.get(ferry.telemetry() + "/metrics").body();
    Matcher matcher = TOKEN_REQUESTS.matcher(metrics);
    double total = 0;
    while (matcher.find()) {
      total += Double.parseDouble(matcher.group(1));
    }
    return Math.round(total);
  }

  @Override
  public void close() {
    ferry.close();
  }
}
