package dev.ferry.cli;

import static dev.ferry.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.CliRun.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config check} and {@code serve} on an {@code oidc} connector whose given keys are wrong:
 * the problems carry the connector's path, as every connector config error does.
 */
class GivenKeysConfigCheckTest {
  @TempDir Path dir;

  /** {@code serve} configures logging for the process; give the next tests their own back. */
  @AfterAll
  static void restoreTestLogging() throws Exception {
    CliRun.restoreTestLogging();
  }

  private Path config(String connectorConfig) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(
        file,
        """
        issuer: http://127.0.0.1:5556/dex
        storage:
          type: memory
        web:
          http: 127.0.0.1:0
        connectors:
        - type: oidc
          id: kubernetes
          name: Kubernetes
          config:
            issuer: https://kubernetes.default.svc.cluster.local
        %s
        """
            .formatted(connectorConfig.indent(4).stripTrailing()),
        StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void configCheckNamesTheConnectorAndEveryKeyProblem() throws IOException {
    Path missing = dir.resolve("missing-jwks.json");
    Path file =
        config(
            """
            getUserInfo: true
            jwksFile: %s
            jwks:
              keys:
              - {kty: oct, kid: shared, k: c2VjcmV0LXNlY3JldC1zZWNyZXQ}
            """
                .formatted(missing));
    Result result = run("config", "check", file.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err())
        .contains("connectors[0].config: oidc: config keys \"jwks\" and \"jwksFile\" are exclusive")
        .contains("connectors[0].config: oidc: config key \"getUserInfo\" cannot be true")
        .contains(
            "connectors[0].config: oidc: config key \"jwks\": keys[0] (kid \"shared\"):"
                + " symmetric key (kty \"oct\") refused")
        .contains(
            "connectors[0].config: oidc: config key \"jwksFile\": "
                + missing
                + ": cannot read it: no such file");
  }

  @Test
  void configCheckAcceptsAnInlineJwksGivenAsAJsonString() throws Exception {
    // An RSA key of 2048 bits (the modulus is what matters here, not whose key it is).
    String jwks =
        new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
            .keyID("k1")
            .generate()
            .toPublicJWK()
            .toJSONString();
    Path file = config("jwks: '{\"keys\": [" + jwks + "]}'");
    Result result = run("config", "check", file.toString());
    assertThat(result.err()).isEmpty();
    assertThat(result.status()).isZero();
  }

  @Test
  void serveRefusesToStartWhenTheOnlyConnectorCannotOpen() throws IOException {
    Path file = config("jwksFile: " + dir.resolve("missing-jwks.json"));
    Result result = run("serve", file.toString());
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.err()).startsWith("ferry: ").contains("[kubernetes]");
  }
}
