package dev.ferry.recipes;

import static dev.ferry.recipes.KubeFerry.fingerprint;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.ferry.cli.Main;
import dev.ferry.testing.MutableClock;
import dev.ferry.token.SubjectCodec;
import dev.ferry.workload.Workplace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code docs/recipes/kubernetes/} as written: Ferry from its {@code ferry.yaml} (a private
 * cluster's keys in a {@code jwksFile}), and the {@code ferry token} command of each Deployment's
 * sidecar in {@code deployment.yaml}, with the pod's volumes on this machine: the projected
 * service-account token is laid out and rotated as the kubelet does it, with the audience and
 * lifetime the volume asks for. The printed token must verify with Ferry's keys.
 */
class KubernetesRecipeTest {
  private static final Path DEPLOYMENT = Path.of("docs/recipes/kubernetes/deployment.yaml");
  private static final String SIDECAR = "ferry-token";
  private static final String TOKEN_VOLUME = "ferry-sa-token";

  @TempDir static Path dir;
  private static MutableClock clock;
  private static KubeCluster cluster;
  private static KubeFerry ferry;
  private static List<JsonNode> manifests;
  private static int pods;

  @BeforeAll
  static void start() throws Exception {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    cluster = new KubeCluster(clock);
    Path jwks = dir.resolve("cluster-jwks.json");
    cluster.writeJwks(jwks);
    ferry = KubeFerry.start(dir, jwks, clock);
    manifests = KubePod.documents(DEPLOYMENT);
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

  @Test
  void billingApiExchangesItsProjectedTokenReusesTheResultAndExchangesAgainAfterRotation()
      throws Exception {
    Pod pod = new Pod("billing-api");
    assertThat(pod.args).containsSubsequence("--from", "kubernetes");
    pod.kubeletProjects(pod.spec.namespace(), pod.spec.serviceAccount());
    long before = ferry.tokenRequests();

    Run first = pod.ferryToken();
    assertThat(first.status).as(first.err).isZero();
    assertThat(first.err).isEmpty();
    JWTClaimsSet claims = ferry.verify(first.token());
    assertThat(claims.getSubject())
        .isEqualTo(SubjectCodec.encode("system:serviceaccount:billing:billing-api", "kubernetes"));
    assertThat(claims.getAudience()).containsExactly("billing");
    // The trust block caps the issued token at the projected token's expiry.
    assertThat(claims.getExpirationTime().toInstant())
        .isEqualTo(clock.instant().plus(pod.projected.expiration()));
    assertThat(ferry.tokenRequests() - before).isEqualTo(1);

    // The sidecar's next rounds: the cached token, no request to Ferry.
    clock.advance(Duration.ofSeconds(30));
    Run again = pod.ferryToken();
    assertThat(again.status).as(again.err).isZero();
    assertThat(fingerprint(again.token())).isEqualTo(fingerprint(first.token()));
    assertThat(ferry.tokenRequests() - before).isEqualTo(1);

    // The kubelet rotates the token once 80% of its lifetime has passed.
    clock.advance(pod.projected.expiration().multipliedBy(8).dividedBy(10).minusSeconds(30));
    pod.kubeletProjects(pod.spec.namespace(), pod.spec.serviceAccount());
    Run rotated = pod.ferryToken();
    assertThat(rotated.status).as(rotated.err).isZero();
    assertThat(fingerprint(rotated.token())).isNotEqualTo(fingerprint(first.token()));
    JWTClaimsSet renewed = ferry.verify(rotated.token());
    assertThat(renewed.getSubject()).isEqualTo(claims.getSubject());
    // Capped at the new projected token's expiry: that token was the one exchanged.
    assertThat(renewed.getExpirationTime().toInstant())
        .isEqualTo(clock.instant().plus(pod.projected.expiration()));
    assertThat(ferry.tokenRequests() - before).isEqualTo(2);
    assertThat(cluster.requests()).as("requests to the private cluster").isZero();
  }

  @Test
  void aTokenOfAnotherNamespaceOrServiceAccountIsRefused() throws Exception {
    for (List<String> account :
        List.of(List.of("shop", "billing-api"), List.of("billing", "web"))) {
      Pod pod = new Pod("billing-api");
      pod.kubeletProjects(account.get(0), account.get(1));

      Run refused = pod.ferryToken();

      assertThat(refused.status).as("exit status for %s", account).isEqualTo(4);
      assertThat(refused.out.isEmpty()).as("nothing on stdout").isTrue();
      assertThat(refused.err)
          .startsWith("error: access_denied: ")
          .contains("request id")
          .endsWith("\n")
          .hasLineCount(1);
    }
  }

  @Test
  void billingReportsIsAFederatedClientAuthenticatedByItsProjectedToken() throws Exception {
    Pod pod = new Pod("billing-reports");
    assertThat(pod.args)
        .containsSubsequence("--grant", "client-credentials")
        .contains("--federated")
        .doesNotContain("--client-secret-env");
    pod.kubeletProjects(pod.spec.namespace(), pod.spec.serviceAccount());

    Run run = pod.ferryToken();

    assertThat(run.status).as(run.err).isZero();
    JWTClaimsSet claims = ferry.verify(run.token());
    // The client's own token: sub is the client, with no connector.
    assertThat(claims.getSubject()).isEqualTo(SubjectCodec.encode("billing-reports", ""));
    assertThat(claims.getAudience()).containsExactly("billing-reports");
    assertThat(cluster.requests()).isZero();
  }

  @Test
  void theFederatedClientRefusesAnotherServiceAccountsToken() throws Exception {
    Pod pod = new Pod("billing-reports");
    pod.kubeletProjects("billing", "billing-api");

    Run refused = pod.ferryToken();

    assertThat(refused.status).isEqualTo(4);
    assertThat(refused.out.isEmpty()).as("nothing on stdout").isTrue();
    assertThat(refused.err).startsWith("error: invalid_client: ").hasLineCount(1);
  }

  /** What one run of {@code ferry token} printed and returned. */
  private record Run(int status, String out, String err) {
    /** The bare token: {@code --output token} prints it alone on its line. */
    String token() {
      // Not assertThat(out): a failure message must not show a token.
      assertThat(out.endsWith("\n") && out.lines().count() == 1).as("one line on stdout").isTrue();
      return out.strip();
    }
  }

  /**
   * One pod of a Deployment, on this machine: each volume its sidecar mounts is a directory of its
   * own, and the sidecar's {@code ferry token} runs in process with the container's environment,
   * its mount paths mapped to those directories and the recipe's Ferry URL to the running Ferry.
   */
  private static final class Pod {
    final KubePod spec;
    final KubePod.ProjectedToken projected;
    final List<String> args;
    final String name;
    private final Map<String, Path> mounts = new LinkedHashMap<>();
    private final KubeProjectedVolume tokenVolume;

    Pod(String deployment) throws Exception {
      this.spec = KubePod.deployment(manifests, deployment);
      this.name = deployment + "-7d4b9c8f6-" + pods++;
      this.projected = spec.projectedToken(TOKEN_VOLUME);
      this.args = spec.ferryTokenArgs(SIDECAR);
      Path root = Files.createDirectories(dir.resolve("pods").resolve(name));
      spec.mounts(SIDECAR).forEach((volume, path) -> mounts.put(path, root.resolve(volume)));
      String tokenMount = spec.mounts(SIDECAR).getOrDefault(TOKEN_VOLUME, "");
      assertThat(tokenMount).as("the sidecar mounts %s", TOKEN_VOLUME).isNotEmpty();
      assertThat(args).containsSubsequence("--token-file", tokenMount + "/" + projected.path());
      this.tokenVolume = new KubeProjectedVolume(Path.of(map(tokenMount)), clock);
      for (Path volume : mounts.values()) {
        Files.createDirectories(volume);
      }
    }

    /** The kubelet (re)writes the volume's token, for the service account given. */
    void kubeletProjects(String namespace, String serviceAccount) throws Exception {
      tokenVolume.project(
          projected.path(),
          cluster.serviceAccountToken(
              namespace, serviceAccount, name, projected.audience(), projected.expiration()));
    }

    Run ferryToken() {
      List<String> mapped = new ArrayList<>();
      for (String arg : args) {
        mapped.add(ferry.substitute(map(arg)));
      }
      Map<String, String> env = new LinkedHashMap<>();
      spec.env(SIDECAR).forEach((key, value) -> env.put(key, map(value)));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int status =
          Main.run(
              new PrintWriter(out, true),
              new PrintWriter(err, true),
              new Workplace(env, clock),
              mapped.toArray(String[]::new));
      return new Run(status, out.toString(), err.toString());
    }

    /** A path inside one of the container's mounts, on this machine; anything else unchanged. */
    private String map(String value) {
      for (Map.Entry<String, Path> mount : mounts.entrySet()) {
        if (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/")) {
          return mount
              .getValue()
              .resolve(value.substring(mount.getKey().length()).replaceFirst("^/", ""))
              .toString();
        }
      }
      return value;
    }
  }
}
