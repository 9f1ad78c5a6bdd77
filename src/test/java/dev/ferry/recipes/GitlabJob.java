package dev.ferry.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.testing.UpstreamIssuer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A GitLab runner for one job of a {@code .gitlab-ci.yml}, for the parts a recipe uses: {@code
 * id_tokens} (each variable holds a JWT signed by the {@link UpstreamIssuer} standing in for {@code
 * https://gitlab.com}, with GitLab's claims for the project and {@code aud} as the entry says),
 * {@code variables} (file values, overridden by the project's CI/CD variables, as GitLab orders
 * them), and {@code script} run as one bash script with {@code set -eo pipefail}. The job's {@code
 * before_script} installs ferry; the test stands in for it by putting a directory first on {@code
 * PATH}. Other job keys that change how the script runs fail loudly.
 */
final class GitlabJob {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** The project and ref a pipeline runs for: what its ID tokens' claims say. */
  record Project(String namespaceId, String path, String id, String ref, boolean protectedRef) {
    String namespacePath() {
      return path.substring(0, path.lastIndexOf('/'));
    }
  }

  private final JsonNode file;
  private final String name;
  private final JsonNode job;

  private GitlabJob(JsonNode file, String name) {
    this.file = file;
    this.name = name;
    this.job = file.path(name);
    if (!job.isObject()) {
      throw new IllegalArgumentException("no job " + name);
    }
    for (String unsupported : List.of("rules", "only", "except", "after_script", "extends")) {
      if (job.has(unsupported)) {
        throw new IllegalStateException(name + ": '" + unsupported + "' is not simulated");
      }
    }
  }

  static GitlabJob load(Path ciFile, String job) throws IOException {
    return new GitlabJob(YAML.readTree(ciFile.toFile()), job);
  }

  /** The {@code before_script} lines, which the test replaces by {@code installed}. */
  List<String> beforeScript() {
    List<String> lines = new ArrayList<>();
    job.path("before_script").forEach(line -> lines.add(line.asText()));
    return lines;
  }

  /** The {@code aud} of each {@code id_tokens} entry, by variable name. */
  Map<String, List<String>> idTokenAudiences() {
    Map<String, List<String>> audiences = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : job.path("id_tokens").properties()) {
      JsonNode aud = entry.getValue().path("aud");
      List<String> values = new ArrayList<>();
      if (aud.isArray()) {
        aud.forEach(a -> values.add(a.asText()));
      } else {
        values.add(aud.asText());
      }
      audiences.put(entry.getKey(), values);
    }
    return audiences;
  }

  /** Runs the job's script for {@code project} in a fresh build directory. */
  Shell.Result run(
      Project project,
      UpstreamIssuer gitlab,
      Map<String, String> projectVariables,
      Path installed,
      Path dir)
      throws IOException {
    Path build = Files.createDirectories(dir.resolve(name + "-" + UUID.randomUUID()));
    Path home = Files.createDirectories(build.resolveSibling(build.getFileName() + "-home"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home.toString());
    env.put("LANG", "C.UTF-8");
    env.put("PATH", installed + ":" + systemPath());
    env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    env.put("CI", "true");
    env.put("GITLAB_CI", "true");
    env.put("CI_SERVER_URL", "https://gitlab.com");
    env.put("CI_PROJECT_DIR", build.toString());
    env.put("CI_PROJECT_PATH", project.path());
    env.put("CI_PROJECT_ID", project.id());
    env.put("CI_COMMIT_REF_NAME", project.ref());
    env.put("CI_COMMIT_REF_PROTECTED", Boolean.toString(project.protectedRef()));
    env.put("CI_JOB_NAME", name);
    variables(file.path("variables"), env);
    variables(job.path("variables"), env);
    env.putAll(projectVariables);
    idTokenAudiences().forEach((variable, aud) -> env.put(variable, idToken(gitlab, project, aud)));

    List<String> script = new ArrayList<>();
    script.add("set -eo pipefail");
    job.path("script").forEach(line -> script.add(line.asText()));
    Path file = build.resolve(".gitlab-ci-script.sh");
    Files.writeString(file, String.join("\n", script) + "\n");
    return Shell.run(List.of("bash", "--noprofile", "--norc", file.toString()), env, build);
  }

  private static void variables(JsonNode variables, Map<String, String> env) {
    for (Map.Entry<String, JsonNode> entry : variables.properties()) {
      JsonNode value = entry.getValue();
      env.put(entry.getKey(), value.isObject() ? value.path("value").asText() : value.asText());
    }
  }

  /** An ID token as GitLab mints one for the job (claims per GitLab's documentation). */
  private static String idToken(UpstreamIssuer gitlab, Project project, List<String> aud) {
    Instant now = Instant.now();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("namespace_id", project.namespaceId());
    claims.put("namespace_path", project.namespacePath());
    claims.put("project_id", project.id());
    claims.put("project_path", project.path());
    claims.put("user_id", "4242");
    claims.put("user_login", "octocat");
    claims.put("user_email", "octocat@example.com");
    claims.put("user_access_level", "maintainer");
    claims.put("pipeline_id", "1091853245");
    claims.put("pipeline_source", "push");
    claims.put("job_id", "5380298842");
    claims.put("ref", project.ref());
    claims.put("ref_type", "branch");
    claims.put("ref_path", "refs/heads/" + project.ref());
    claims.put("ref_protected", Boolean.toString(project.protectedRef()));
    claims.put("runner_id", 12270840);
    claims.put("runner_environment", "gitlab-hosted");
    claims.put("sha", "714a629c0b401fdce83e847fc9589983fc6f46bc");
    claims.put("project_visibility", "private");
    claims.put(
        "ci_config_ref_uri",
        "gitlab.com/" + project.path() + "//.gitlab-ci.yml@refs/heads/" + project.ref());
    return gitlab
        .token()
        .without("name")
        .subject("project_path:" + project.path() + ":ref_type:branch:ref:" + project.ref())
        .audience(aud.size() == 1 ? aud.get(0) : aud)
        .notBefore(now.minusSeconds(5))
        .expiresAt(now.plus(Duration.ofHours(1)))
        .claims(claims)
        .build();
  }

  private static String systemPath() {
    String path = System.getenv("PATH");
    return path == null ? "/usr/local/bin:/usr/bin:/bin" : path;
  }
}
