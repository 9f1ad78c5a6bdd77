package dev.ferry.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.storage.Client;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders {@code deploy/kubernetes/base} and {@code overlays/postgres} with the real {@code kubectl
 * kustomize} and checks what a cluster would receive: replicas, ports, probes, the config mount and
 * the ConfigMap it names, the security context, resources, the Service, the PodDisruptionBudget,
 * and that the rendered config file loads with Ferry's own {@link ConfigLoader} given the
 * environment the Deployment provides. Skipped where kubectl is missing, except under {@code
 * CI=true}.
 */
class KustomizeManifestsTest {
  private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
  private static final Path BASE = Path.of("deploy/kubernetes/base");
  private static final Path POSTGRES = Path.of("deploy/kubernetes/overlays/postgres");
  private static final long UID = 10001;
  private static final String FAKE_SECRET = "fake-secret-from-the-test";

  @TempDir Path tmp;

  @Test
  void baseRunsOneReplicaOnSqliteOnAVolumeClaim() throws Exception {
    Rendered base = render(BASE);

    JsonNode deployment = base.one("Deployment", "ferry");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(volume(pod, "data").at("/persistentVolumeClaim/claimName").asText())
        .isEqualTo("ferry-data");
    assertThat(mountPaths(container(pod))).containsEntry("data", "/var/lib/ferry");
    assertThat(base.one("PersistentVolumeClaim", "ferry-data").at("/spec/accessModes/0").asText())
        .isEqualTo("ReadWriteOnce");
    // One replica: the budget must not block a node drain.
    assertThat(base.one("PodDisruptionBudget", "ferry").at("/spec/maxUnavailable").asInt())
        .isEqualTo(1);

    FerryConfig config = loadConfig(base, deployment);
    assertThat(config.storage().type()).isEqualTo("sqlite3");
    assertThat(config.storage().config().path("file").asText())
        .isEqualTo("/var/lib/ferry/ferry.db");
  }

  @Test
  void postgresOverlayRunsThreeReplicasOnPostgresKeepingTwo() throws Exception {
    Rendered overlay = render(POSTGRES);

    JsonNode deployment = overlay.one("Deployment", "ferry");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(names(pod.path("volumes"))).containsExactlyInAnyOrder("config", "tmp");
    assertThat(mountPaths(container(pod))).doesNotContainKey("data");
    assertThat(overlay.kinds()).doesNotContain("PersistentVolumeClaim");

    JsonNode pdb = overlay.one("PodDisruptionBudget", "ferry");
    assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(2);
    assertThat(pdb.at("/spec/maxUnavailable").isMissingNode()).isTrue();
    assertThat(pdb.at("/spec/selector/matchLabels"))
        .isEqualTo(deployment.at("/spec/selector/matchLabels"));

    assertThat(
            named(container(pod).path("env"), "FERRY_DB_PASSWORD")
                .at("/valueFrom/secretKeyRef/name")
                .asText())
        .isEqualTo("ferry-secrets");

    FerryConfig config = loadConfig(overlay, deployment);
    assertThat(config.storage().type()).isEqualTo("postgres");
    JsonNode storage = config.storage().config();
    assertThat(storage.path("host").asText()).isNotEmpty();
    assertThat(storage.path("database").asText()).isEqualTo("ferry");
    assertThat(storage.path("user").asText()).isEqualTo("ferry");
    // $FERRY_DB_PASSWORD was expanded from the environment the Deployment provides.
    assertThat(storage.path("password").asText()).isEqualTo(FAKE_SECRET + "-FERRY_DB_PASSWORD");
  }

  @Test
  void bothServeOnNamedPortsWithProbesOnTelemetry() throws Exception {
    for (Path dir : List.of(BASE, POSTGRES)) {
      Rendered rendered = render(dir);
      JsonNode container = container(rendered.one("Deployment", "ferry").at("/spec/template/spec"));

      assertThat(container.path("args").toString())
          .as(dir.toString())
          .isEqualTo("[\"serve\",\"/etc/ferry/config.yaml\"]");
      Map<String, Integer> ports = new LinkedHashMap<>();
      container
          .path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      assertThat(ports)
          .as(dir.toString())
          .containsOnly(Map.entry("web", 5556), Map.entry("telemetry", 5558));

      assertProbe(container.path("readinessProbe"), "/healthz/ready");
      assertProbe(container.path("livenessProbe"), "/healthz/live");
      assertProbe(container.path("startupProbe"), "/healthz/live");

      JsonNode service = rendered.one("Service", "ferry");
      Map<String, String> servicePorts = new LinkedHashMap<>();
      service
          .path("spec")
          .path("ports")
          .forEach(p ->
              servicePorts.put(
                  p.path("name").asText(),
                  p.path("port").asInt() + "->" + p.path("targetPort").asText()));
      assertThat(servicePorts)
          .as(dir.toString())
          .containsOnly(Map.entry("web", "5556->web"), Map.entry("telemetry", "5558->telemetry"));
      assertThat(service.at("/spec/selector"))
          .isEqualTo(rendered.one("Deployment", "ferry").at("/spec/selector/matchLabels"));
    }
  }

  @Test
  void bothRunNonRootOnAReadOnlyRootWithLimits() throws Exception {
    for (Path dir : List.of(BASE, POSTGRES)) {
      JsonNode pod = render(dir).one("Deployment", "ferry").at("/spec/template/spec");
      JsonNode container = container(pod);
      JsonNode security = container.path("securityContext");

      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(dir.toString()).isTrue();
      assertThat(pod.at("/securityContext/runAsUser").asLong()).isEqualTo(UID);
      assertThat(pod.at("/securityContext/seccompProfile/type").asText())
          .isEqualTo("RuntimeDefault");
      assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
      assertThat(security.path("runAsUser").asLong()).isEqualTo(UID);
      assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").isBoolean()).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
      assertThat(security.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
      assertThat(security.at("/capabilities/add").isMissingNode()).isTrue();
      assertThat(security.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");

      for (String kind : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          assertThat(container.at("/resources/" + kind + "/" + resource).asText())
              .as(dir + " resources." + kind + "." + resource)
              .isNotEmpty();
        }
      }

      // The root filesystem is read-only: /tmp must be a volume (native libraries unpack there).
      assertThat(volume(pod, "tmp").has("emptyDir")).isTrue();
      assertThat(mountPaths(container)).containsEntry("tmp", "/tmp");
    }
  }

  /** The Dockerfile runs as the uid the manifests require, so runAsNonRoot admits the pod. */
  @Test
  void dockerfileRunsAsTheManifestsUser() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"), UTF_8);
    assertThat(dockerfile).contains("\nUSER " + UID + ":" + UID + "\n");
    assertThat(dockerfile).contains("--uid " + UID);
    assertThat(dockerfile).contains("CMD [\"serve\", \"/etc/ferry/config.yaml\"]");
  }

  private static void assertProbe(JsonNode probe, String path) {
    assertThat(probe.at("/httpGet/path").asText()).isEqualTo(path);
    assertThat(probe.at("/httpGet/port").asText()).isEqualTo("telemetry");
  }

  /**
   * Writes the ConfigMap the Deployment mounts at /etc/ferry to a file and loads it with the env
   * the container gets (a fake value for every variable taken from a Secret).
   */
  private FerryConfig loadConfig(Rendered rendered, JsonNode deployment) throws Exception {
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = container(pod);
    assertThat(mountPaths(container)).containsEntry("config", "/etc/ferry");
    assertThat(container.path("volumeMounts").findValuesAsText("readOnly")).isNotEmpty();
    String configMapName = volume(pod, "config").at("/configMap/name").asText();
    assertThat(configMapName).startsWith("ferry-config-"); // the generator's content hash
    JsonNode configMap = rendered.one("ConfigMap", configMapName);
    String yaml = configMap.at("/data/config.yaml").asText();
    assertThat(yaml).isNotEmpty();

    Map<String, String> env = new LinkedHashMap<>();
    env(container)
        .forEach((name, entry) -> {
          assertThat(entry.at("/valueFrom/secretKeyRef/name").asText())
              .as("env " + name)
              .isEqualTo("ferry-secrets");
          env.put(name, FAKE_SECRET + "-" + name);
        });
    Path file = tmp.resolve("config.yaml");
    Files.writeString(file, yaml, UTF_8);
    FerryConfig config = new ConfigLoader(env).load(file);

    assertThat(config.warnings()).isEmpty();
    assertThat(config.unsupportedFeatures()).isEmpty();
    assertThat(config.web().http()).isEqualTo("0.0.0.0:5556");
    assertThat(config.telemetry().http()).isEqualTo("0.0.0.0:5558");
    // The static client's secret comes from the Secret through secretEnv.
    assertThat(config.storageClients())
        .extracting(Client::id, Client::secret)
        .containsExactly(tuple("my-app", FAKE_SECRET + "-FERRY_CLIENT_SECRET"));
    return config;
  }

  private static JsonNode container(JsonNode pod) {
    JsonNode containers = pod.path("containers");
    assertThat(containers.size()).isEqualTo(1);
    assertThat(containers.get(0).path("name").asText()).isEqualTo("ferry");
    return containers.get(0);
  }

  private static JsonNode volume(JsonNode pod, String name) {
    return named(pod.path("volumes"), name);
  }

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode item : list) {
      if (item.path("name").asText().equals(name)) {
        return item;
      }
    }
    return fail("no " + name + " in " + list);
  }

  private static Map<String, String> mountPaths(JsonNode container) {
    Map<String, String> mounts = new LinkedHashMap<>();
    container
        .path("volumeMounts")
        .forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
    return mounts;
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    return env;
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.forEach(n -> names.add(n.path("name").asText()));
    return names;
  }

  /** Runs {@code kubectl kustomize DIR} and parses its documents. */
  private Rendered render(Path dir) throws Exception {
    if (!Files.isExecutable(KUBECTL)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("kubectl is missing at " + KUBECTL + " and CI=true: install kubectl");
      }
      assumeTrue(false, "kubectl is missing at " + KUBECTL + ": Kustomize manifests not rendered");
    }
    Path out = tmp.resolve("kustomize-" + dir.getFileName() + ".out");
    Process process =
        new ProcessBuilder(KUBECTL.toString(), "kustomize", dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("kubectl kustomize " + dir + " did not finish within 60 s");
    }
    String output = Files.readString(out, UTF_8);
    assertThat(process.exitValue()).as("kubectl kustomize %s:%n%s", dir, output).isZero();
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        new YAMLMapper().readerFor(JsonNode.class).readValues(output)) {
      while (it.hasNext()) {
        documents.add(it.next());
      }
    }
    return new Rendered(documents);
  }

  private record Rendered(List<JsonNode> documents) {
    JsonNode one(String kind, String name) {
      List<JsonNode> matches =
          documents.stream()
              .filter(d -> d.path("kind").asText().equals(kind))
              .filter(d -> d.at("/metadata/name").asText().equals(name))
              .toList();
      assertThat(matches).as("%s %s", kind, name).hasSize(1);
      return matches.get(0);
    }

    List<String> kinds() {
      return documents.stream().map(d -> d.path("kind").asText()).toList();
    }
  }
}
