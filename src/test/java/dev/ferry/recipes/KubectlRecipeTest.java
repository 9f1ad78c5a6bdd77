package dev.ferry.recipes;

import static dev.ferry.recipes.KubeFerry.fingerprint;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.ferry.testing.FerryOnPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code kubectl} with {@code docs/recipes/kubectl/kubeconfig.yaml} (a temporary copy
 * with the server, its CA, Ferry's URL and the token file set, as a user edits it) against a
 * stand-in HTTPS API server. kubectl runs the kubeconfig's exec plugin, {@code ferry} on its PATH
 * (this build's classes), which exchanges a kubelet-style projected token at Ferry started from
 * {@code docs/recipes/kubernetes/ferry.yaml}. The bearer the API server received must be a Ferry
 * token that {@code authentication-config.yaml} accepts and maps to the expected user, and a second
 * kubectl command must reuse it from ferry token's cache, without a second request to Ferry.
 * Skipped where kubectl is missing, except under {@code CI=true}.
 */
class KubectlRecipeTest {
  private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
  private static final Path KUBECONFIG = Path.of("docs/recipes/kubectl/kubeconfig.yaml");
  private static final Path AUTHENTICATION =
      Path.of("docs/recipes/kubectl/authentication-config.yaml");

  /** Where the recipe's pod mounts its projected token (as deployment.yaml's sidecars do). */
  private static final String TOKEN_FILE = "/var/run/secrets/ferry/token";

  /** The projected volume's audience and lifetime: deployment.yaml's. */
  private static final String AUDIENCE = "ferry";

  private static final Duration LIFETIME = Duration.ofMinutes(10);

  @TempDir Path dir;

  @Test
  void kubectlSendsAFerryTokenFromTheExecPluginAndTheNextCommandUsesTheCache() throws Exception {
    if (!Files.isExecutable(KUBECTL)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("kubectl is missing at " + KUBECTL + " and CI=true: install kubectl");
      }
      assumeTrue(false, "kubectl is missing at " + KUBECTL + ": the kubectl recipe is not run");
    }
    Clock clock = Clock.systemUTC();
    Path jwks = dir.resolve("cluster-jwks.json");
    try (KubeCluster cluster = new KubeCluster(clock);
        KubeApiServer api = KubeApiServer.start()) {
      cluster.writeJwks(jwks);
      try (KubeFerry ferry = KubeFerry.start(dir, jwks, clock)) {
        Path projected = dir.resolve("projected");
        new KubeProjectedVolume(projected, clock)
            .project(
                "token",
                cluster.serviceAccountToken("ci", "deployer", "deployer-0", AUDIENCE, LIFETIME));
        Path kubeconfig = kubeconfig(api, ferry, projected.resolve("token"));
        long before = ferry.tokenRequests();

        String version = kubectl(kubeconfig, "get", "--raw", "/version");
        assertThat(new YAMLMapper().readTree(version).path("gitVersion").asText())
            .isEqualTo("v1.32.4");
        String first = lastBearer(api);
        assertThat(ferry.tokenRequests() - before).as("token requests to Ferry").isEqualTo(1);

        String json = kubectl(kubeconfig, "version", "-o", "json");
        assertThat(new YAMLMapper().readTree(json).at("/serverVersion/gitVersion").asText())
            .isEqualTo("v1.32.4");
        assertThat(fingerprint(lastBearer(api)))
            .as("the second command's bearer")
            .isEqualTo(fingerprint(first));
        assertThat(ferry.tokenRequests() - before)
            .as("token requests to Ferry after the second command")
            .isEqualTo(1);

        accept(ferry, ferry.verify(first));
        assertThat(cluster.requests()).isZero();
      }
    }
  }

  /**
   * What the kube-apiserver does with {@code authentication-config.yaml}: {@code iss} is the issuer
   * URL, {@code aud} one of the audiences, and the claim mappings give the user and groups the
   * recipe's README binds.
   */
  private static void accept(KubeFerry ferry, JWTClaimsSet claims) throws Exception {
    JsonNode config = new YAMLMapper().readTree(AUTHENTICATION.toFile());
    assertThat(config.path("kind").asText()).isEqualTo("AuthenticationConfiguration");
    assertThat(config.path("jwt")).hasSize(1);
    JsonNode jwt = config.path("jwt").get(0);
    assertThat(claims.getIssuer()).isEqualTo(ferry.substitute(jwt.at("/issuer/url").asText()));
    List<String> audiences = new ArrayList<>();
    jwt.at("/issuer/audiences").forEach(a -> audiences.add(a.asText()));
    assertThat(claims.getAudience()).containsAnyElementsOf(audiences);
    String username =
        jwt.at("/claimMappings/username/prefix").asText()
            + claims.getStringClaim(jwt.at("/claimMappings/username/claim").asText());
    assertThat(username).isEqualTo("ferry:system:serviceaccount:ci:deployer");
    List<String> groups = new ArrayList<>();
    for (String group : claims.getStringListClaim(jwt.at("/claimMappings/groups/claim").asText())) {
      groups.add(jwt.at("/claimMappings/groups/prefix").asText() + group);
    }
    assertThat(groups).contains("ferry:deployers");
  }

  /** The recipe's kubeconfig with what a user fills in: the server, its CA, Ferry, the token. */
  private Path kubeconfig(KubeApiServer api, KubeFerry ferry, Path tokenFile) throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode config = (ObjectNode) yaml.readTree(KUBECONFIG.toFile());
    assertThat(config.path("clusters")).hasSize(1);
    ObjectNode cluster = (ObjectNode) config.at("/clusters/0/cluster");
    cluster.put("server", api.url());
    cluster.put(
        "certificate-authority-data",
        Base64.getEncoder().encodeToString(KubeApiServer.caPem().getBytes(UTF_8)));
    assertThat(config.path("users")).hasSize(1);
    JsonNode exec = config.at("/users/0/user/exec");
    assertThat(exec.path("apiVersion").asText()).isEqualTo("client.authentication.k8s.io/v1");
    assertThat(exec.path("interactiveMode").asText()).isEqualTo("Never");
    assertThat(exec.path("command").asText()).isEqualTo("ferry");
    ArrayNode args = (ArrayNode) exec.path("args");
    List<String> recipeArgs = new ArrayList<>();
    args.forEach(a -> recipeArgs.add(a.asText()));
    assertThat(recipeArgs)
        .startsWith("token")
        .containsSubsequence("--token-file", TOKEN_FILE)
        .containsSubsequence("--output", "exec-credential");
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i).asText();
      args.set(i, TOKEN_FILE.equals(arg) ? tokenFile.toString() : ferry.substitute(arg));
    }
    Path file = dir.resolve("kubeconfig.yaml");
    yaml.writeValue(file.toFile(), config);
    return file;
  }

  /** Runs kubectl as a user would, with ferry first on its PATH; returns its standard output. */
  private String kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "kubectl", ".out");
    Path err = Files.createTempFile(dir, "kubectl", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("KUBE") || name.startsWith("XDG_"));
    env.put("PATH", FerryOnPath.path(FerryOnPath.create(dir.resolve("bin"))));
    env.put("HOME", Files.createDirectories(dir.resolve("home")).toString());
    env.put("XDG_CACHE_HOME", Files.createDirectories(dir.resolve("cache")).toString());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("kubectl " + String.join(" ", args) + " did not finish within 60 s");
    }
    assertThat(process.exitValue())
        .as("kubectl %s:%n%s", String.join(" ", args), Files.readString(err, UTF_8))
        .isZero();
    return Files.readString(out, UTF_8);
  }

  private static String lastBearer(KubeApiServer api) {
    List<KubeApiServer.Request> requests = api.requests();
    assertThat(requests).isNotEmpty();
    KubeApiServer.Request last = requests.get(requests.size() - 1);
    assertThat(last.bearer()).as("bearer of %s %s", last.method(), last.path()).isNotNull();
    return String.valueOf(last.bearer());
  }
}
