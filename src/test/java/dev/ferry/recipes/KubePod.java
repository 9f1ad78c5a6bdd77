package dev.ferry.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Deployment of a recipe's manifest, read as the API server would store it: its pod's service
 * account, containers, environment, volume mounts and projected token volume, and the {@code ferry
 * token} command line a container's script runs.
 */
final class KubePod {
  /** {@code ferry token} and its arguments, up to the redirection of its output. */
  private static final Pattern FERRY_TOKEN =
      Pattern.compile("(?m)^\\s*(?:if\\s+)?ferry token ([^>;\\n]*)");

  /** The projected {@code serviceAccountToken} source of a volume. */
  record ProjectedToken(String path, String audience, Duration expiration) {}

  private final String namespace;
  private final JsonNode pod;

  private KubePod(String namespace, JsonNode pod) {
    this.namespace = namespace;
    this.pod = pod;
  }

  /** Every document of a multi-document YAML file. */
  static List<JsonNode> documents(Path yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        new YAMLMapper().readerFor(JsonNode.class).readValues(yaml.toFile())) {
      while (it.hasNext()) {
        documents.add(it.next());
      }
    }
    return documents;
  }

  /** The pod template of the Deployment {@code name}; its ServiceAccount must be there too. */
  static KubePod deployment(List<JsonNode> documents, String name) {
    JsonNode deployment = one(documents, "Deployment", name);
    String namespace = deployment.at("/metadata/namespace").asText();
    KubePod pod = new KubePod(namespace, deployment.at("/spec/template/spec"));
    JsonNode account = one(documents, "ServiceAccount", pod.serviceAccount());
    assertThat(account.at("/metadata/namespace").asText()).isEqualTo(namespace);
    return pod;
  }

  private static JsonNode one(List<JsonNode> documents, String kind, String name) {
    List<JsonNode> found =
        documents.stream()
            .filter(d -> kind.equals(d.path("kind").asText()))
            .filter(d -> name.equals(d.at("/metadata/name").asText()))
            .toList();
    assertThat(found).as("%s %s", kind, name).hasSize(1);
    return found.get(0);
  }

  String namespace() {
    return namespace;
  }

  String serviceAccount() {
    return pod.path("serviceAccountName").asText();
  }

  /** A container or init container (a native sidecar is an init container). */
  JsonNode container(String name) {
    List<JsonNode> found = new ArrayList<>();
    for (String list : List.of("initContainers", "containers")) {
      pod.path(list)
          .forEach(c -> {
            if (name.equals(c.path("name").asText())) {
              found.add(c);
            }
          });
    }
    assertThat(found).as("container %s", name).hasSize(1);
    return found.get(0);
  }

  /**
   * The arguments after {@code ferry token} in the container's {@code /bin/sh -c} script, with the
   * script's line continuations joined; the arguments must be plain words (no quoting), which is
   * what lets a test run them without a shell.
   */
  List<String> ferryTokenArgs(String containerName) {
    JsonNode container = container(containerName);
    assertThat(strings(container.path("command"))).containsExactly("/bin/sh", "-c");
    String script = container.at("/args/0").asText().replace("\\\n", " ");
    Matcher matcher = FERRY_TOKEN.matcher(script);
    assertThat(matcher.find())
        .as("ferry token in the script of %s:%n%s", containerName, script)
        .isTrue();
    List<String> args = new ArrayList<>();
    args.add("token");
    args.addAll(Arrays.asList(matcher.group(1).trim().split("\\s+")));
    assertThat(args).allSatisfy(a -> assertThat(a).doesNotContain("\"", "'", "$", "`"));
    assertThat(matcher.find()).as("one ferry token in the script").isFalse();
    return args;
  }

  /** The container's literal {@code env} values. */
  Map<String, String> env(String containerName) {
    Map<String, String> env = new LinkedHashMap<>();
    container(containerName)
        .path("env")
        .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }

  /** The container's volume mounts: volume name to mount path. */
  Map<String, String> mounts(String containerName) {
    Map<String, String> mounts = new LinkedHashMap<>();
    container(containerName)
        .path("volumeMounts")
        .forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
    return mounts;
  }

  /** The volume's one projected service-account token source. */
  ProjectedToken projectedToken(String volume) {
    List<JsonNode> found = new ArrayList<>();
    pod.path("volumes")
        .forEach(v -> {
          if (volume.equals(v.path("name").asText())) {
            v.at("/projected/sources")
                .forEach(s -> {
                  if (s.has("serviceAccountToken")) {
                    found.add(s.path("serviceAccountToken"));
                  }
                });
          }
        });
    assertThat(found).as("serviceAccountToken in volume %s", volume).hasSize(1);
    JsonNode source = found.get(0);
    return new ProjectedToken(
        source.path("path").asText(),
        source.path("audience").asText(),
        Duration.ofSeconds(source.path("expirationSeconds").asLong(3600)));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
