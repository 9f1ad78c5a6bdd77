package dev.ferry.recipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.testing.LoopbackHttpServer;
import dev.ferry.testing.UpstreamIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A GitHub Actions runner for the parts of a workflow a recipe uses: {@code permissions}, {@code
 * defaults.run.shell}, {@code env} at every level, {@code run} steps in order (a failed step ends
 * the job), {@code ${{ vars.X }}}, {@code ${{ secrets.X }}} and {@code ${{ steps.id.outputs.x }}},
 * the {@code GITHUB_ENV}, {@code GITHUB_OUTPUT} and {@code GITHUB_PATH} files and the {@code
 * ::add-mask::} command. Anything else in a workflow (a {@code uses} step, an {@code if}, another
 * expression or shell) fails loudly rather than being half-simulated.
 *
 * <p>Its OIDC token service behaves as GitHub's: with {@code id-token: write} the steps get {@code
 * ACTIONS_ID_TOKEN_REQUEST_URL} (with {@code ?api-version=2.0}) and {@code
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN}; a request with {@code Authorization: bearer <that token>} gets
 * {@code {"value": "<JWT>"}} signed by the {@link UpstreamIssuer} standing in for {@code
 * https://token.actions.githubusercontent.com}, with GitHub's claims for the job's repository and
 * {@code aud} = the {@code audience} parameter (GitHub's default, {@code
 * https://github.com/<owner>}, without one).
 */
final class GithubRunner implements AutoCloseable {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
  private static final Pattern VARS = Pattern.compile("(vars|secrets)\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern STEP_OUTPUT =
      Pattern.compile("steps\\.([A-Za-z_][A-Za-z0-9_-]*)\\.outputs\\.([A-Za-z_][A-Za-z0-9_-]*)");

  /** The repository and commit a job runs for: what its token's claims say. */
  record Repository(String owner, String ownerId, String name, String id, String ref) {
    String fullName() {
      return owner + "/" + name;
    }
  }

  /** One step as it ran. */
  record StepRun(@Nullable String id, String name, Shell.Result result) {}

  /** A job as it ran: its steps up to the first failure, and the values it masked. */
  record JobRun(List<StepRun> steps, List<String> masks) {
    boolean succeeded() {
      return steps.stream().allMatch(s -> s.result().succeeded());
    }

    StepRun step(String id) {
      return steps.stream()
          .filter(s -> id.equals(s.id()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("step " + id + " did not run: " + steps));
    }

    /** Everything the steps printed, as the job's log would show it before masking. */
    String log() {
      StringBuilder log = new StringBuilder();
      for (StepRun step : steps) {
        log.append(step.result().out()).append(step.result().err());
      }
      return log.toString();
    }
  }

  /** A request the token service answered. */
  record TokenRequest(String method, @Nullable String audience) {}

  private record RunnerJob(String requestToken, Repository repository) {}

  private final JsonNode workflow;
  private final UpstreamIssuer upstream;
  private final Path dir;
  private final LoopbackHttpServer tokenService;
  private final Map<String, RunnerJob> jobsByPath = new ConcurrentHashMap<>();
  private final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();

  private GithubRunner(JsonNode workflow, UpstreamIssuer upstream, Path dir) throws IOException {
    this.workflow = workflow;
    this.upstream = upstream;
    this.dir = dir;
    this.tokenService = LoopbackHttpServer.start("github-token-service", false, this::issue);
  }

  static GithubRunner start(Path workflowFile, UpstreamIssuer upstream, Path dir)
      throws IOException {
    return new GithubRunner(YAML.readTree(workflowFile.toFile()), upstream, dir);
  }

  /** The requests the token service answered with a token. */
  List<TokenRequest> tokenRequests() {
    return List.copyOf(tokenRequests);
  }

  /**
   * Runs job {@code jobId} on a fresh runner for {@code repository}. {@code installs} maps the id
   * of a step the test stands in for to the directory that step would add to {@code GITHUB_PATH}.
   */
  JobRun run(
      String jobId,
      Repository repository,
      Map<String, String> vars,
      Map<String, String> secrets,
      Map<String, Path> installs)
      throws IOException {
    JsonNode job = workflow.path("jobs").path(jobId);
    if (!job.isObject()) {
      throw new IllegalArgumentException("no job " + jobId);
    }
    Path runner = Files.createDirectories(dir.resolve(jobId + "-" + UUID.randomUUID()));
    Path workspace = Files.createDirectories(runner.resolve("work"));
    Path temp = Files.createDirectories(runner.resolve("temp"));
    Path home = Files.createDirectories(runner.resolve("home"));

    Map<String, String> base = new LinkedHashMap<>();
    base.put("HOME", home.toString());
    base.put("LANG", "C.UTF-8");
    base.put("CI", "true");
    base.put("GITHUB_ACTIONS", "true");
    base.put("GITHUB_WORKSPACE", workspace.toString());
    base.put("GITHUB_REPOSITORY", repository.fullName());
    base.put("GITHUB_REPOSITORY_OWNER", repository.owner());
    base.put("GITHUB_REF", repository.ref());
    base.put("GITHUB_JOB", jobId);
    base.put("RUNNER_OS", "Linux");
    base.put("RUNNER_TEMP", temp.toString());
    base.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    if (idTokenWrite(job)) {
      String requestToken = UUID.randomUUID().toString();
      String path =
          "/"
              + UUID.randomUUID()
              + "/_apis/distributedtask/hubs/Actions/plans/"
              + UUID.randomUUID()
              + "/jobs/"
              + UUID.randomUUID()
              + "/idtoken";
      jobsByPath.put(path, new RunnerJob(requestToken, repository));
      base.put("ACTIONS_ID_TOKEN_REQUEST_URL", tokenService.baseUrl() + path + "?api-version=2.0");
      base.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken);
    }

    Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
    Map<String, String> githubEnv = new LinkedHashMap<>();
    List<String> path = new ArrayList<>();
    List<String> masks = new ArrayList<>();
    List<StepRun> runs = new ArrayList<>();
    int index = 0;
    for (JsonNode step : job.path("steps")) {
      index++;
      @Nullable String id = step.hasNonNull("id") ? step.get("id").asText() : null;
      String name = step.path("name").asText(id == null ? "step " + index : id);
      if (id != null && installs.containsKey(id)) {
        path.add(0, installs.get(id).toString());
        continue;
      }
      for (String unsupported : List.of("uses", "if", "working-directory", "continue-on-error")) {
        if (step.has(unsupported)) {
          throw new IllegalStateException(name + ": '" + unsupported + "' is not simulated");
        }
      }
      Map<String, String> env = new LinkedHashMap<>(base);
      env.putAll(evaluate(workflow.path("env"), vars, secrets, outputs));
      env.putAll(evaluate(job.path("env"), vars, secrets, outputs));
      env.putAll(githubEnv);
      env.putAll(evaluate(step.path("env"), vars, secrets, outputs));
      env.put("PATH", String.join(":", path) + (path.isEmpty() ? "" : ":") + systemPath());
      Path envFile = Files.createFile(temp.resolve("env-" + index));
      Path outputFile = Files.createFile(temp.resolve("output-" + index));
      Path pathFile = Files.createFile(temp.resolve("path-" + index));
      env.put("GITHUB_ENV", envFile.toString());
      env.put("GITHUB_OUTPUT", outputFile.toString());
      env.put("GITHUB_PATH", pathFile.toString());

      Path script = temp.resolve("step-" + index + ".sh");
      Files.writeString(
          script,
          substitute(step.path("run").asText(), vars, secrets, outputs),
          StandardCharsets.UTF_8);
      Shell.Result result = Shell.run(shell(job, step, script), env, workspace);
      Shell.Result shown = withoutMaskCommands(result, masks);
      runs.add(new StepRun(id, name, shown));
      if (!result.succeeded()) {
        break;
      }
      githubEnv.putAll(keyValues(envFile));
      if (id != null) {
        outputs.put(id, keyValues(outputFile));
      }
      for (String line : Files.readAllLines(pathFile, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          path.add(0, line.strip());
        }
      }
    }
    return new JobRun(runs, masks);
  }

  private boolean idTokenWrite(JsonNode job) {
    JsonNode permissions =
        job.has("permissions") ? job.get("permissions") : workflow.path("permissions");
    return "write-all".equals(permissions.asText())
        || "write".equals(permissions.path("id-token").asText());
  }

  /** GitHub's command lines for {@code shell: bash} and for no shell at all, on Linux. */
  private List<String> shell(JsonNode job, JsonNode step, Path script) {
    JsonNode shell = step.path("shell");
    if (shell.isMissingNode()) {
      shell = job.path("defaults").path("run").path("shell");
    }
    if (shell.isMissingNode()) {
      shell = workflow.path("defaults").path("run").path("shell");
    }
    if (shell.isMissingNode()) {
      return List.of("bash", "-e", script.toString());
    }
    if (shell.asText().equals("bash")) {
      return List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString());
    }
    throw new IllegalStateException("shell " + shell.asText() + " is not simulated");
  }

  private static Map<String, String> evaluate(
      JsonNode env,
      Map<String, String> vars,
      Map<String, String> secrets,
      Map<String, Map<String, String>> outputs) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : env.properties()) {
      values.put(e.getKey(), substitute(e.getValue().asText(), vars, secrets, outputs));
    }
    return values;
  }

  /** Replaces each {@code ${{ ... }}} as GitHub does, before the shell sees the text. */
  private static String substitute(
      String text,
      Map<String, String> vars,
      Map<String, String> secrets,
      Map<String, Map<String, String>> outputs) {
    Matcher matcher = EXPRESSION.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String expression = matcher.group(1);
      Matcher variable = VARS.matcher(expression);
      Matcher output = STEP_OUTPUT.matcher(expression);
      String value;
      if (variable.matches()) {
        // An unset variable or secret is the empty string on GitHub, not an error.
        value =
            (variable.group(1).equals("vars") ? vars : secrets).getOrDefault(variable.group(2), "");
      } else if (output.matches()) {
        value = outputs.getOrDefault(output.group(1), Map.of()).getOrDefault(output.group(2), "");
      } else {
        throw new IllegalStateException("expression ${{ " + expression + " }} is not simulated");
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /** {@code NAME=value} lines and {@code NAME<<DELIMITER} blocks, as GitHub reads them. */
  private static Map<String, String> keyValues(Path file) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int heredoc = line.indexOf("<<");
      int equals = line.indexOf('=');
      if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
        String delimiter = line.substring(heredoc + 2);
        List<String> value = new ArrayList<>();
        i++;
        while (i < lines.size() && !lines.get(i).equals(delimiter)) {
          value.add(lines.get(i++));
        }
        if (i == lines.size()) {
          throw new IllegalStateException(file + ": no closing " + delimiter);
        }
        values.put(line.substring(0, heredoc), String.join("\n", value));
      } else if (equals > 0) {
        values.put(line.substring(0, equals), line.substring(equals + 1));
      } else if (!line.isEmpty()) {
        throw new IllegalStateException(file + ": not NAME=value: " + line.length() + " chars");
      }
    }
    return values;
  }

  /** Takes the {@code ::add-mask::} commands out of a step's output, as the runner does. */
  private static Shell.Result withoutMaskCommands(Shell.Result result, List<String> masks) {
    StringBuilder out = new StringBuilder();
    for (String line : result.out().split("\n", -1)) {
      if (line.startsWith("::add-mask::")) {
        masks.add(line.substring("::add-mask::".length()));
      } else {
        out.append(line).append('\n');
      }
    }
    String shown = out.substring(0, out.length() - 1);
    return new Shell.Result(result.status(), shown, result.err());
  }

  private static String systemPath() {
    String path = System.getenv("PATH");
    return path == null ? "/usr/local/bin:/usr/bin:/bin" : path;
  }

  // ---- the OIDC token service

  private void issue(HttpExchange exchange) throws IOException {
    try (exchange) {
      RunnerJob job = jobsByPath.get(exchange.getRequestURI().getPath());
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (job == null) {
        send(exchange, 404, "{\"message\":\"not found\"}");
        return;
      }
      if (!"2.0".equals(query.get("api-version"))) {
        send(exchange, 400, "{\"message\":\"api-version=2.0 is required\"}");
        return;
      }
      if (authorization == null
          || !authorization.regionMatches(true, 0, "bearer ", 0, 7)
          || !authorization.substring(7).strip().equals(job.requestToken())) {
        send(exchange, 401, "{\"message\":\"unauthorized\"}");
        return;
      }
      @Nullable String audience = query.get("audience");
      tokenRequests.add(new TokenRequest(exchange.getRequestMethod(), audience));
      Repository repo = job.repository();
      Instant now = Instant.now();
      String sub = "repo:" + repo.fullName() + ":ref:" + repo.ref();
      Map<String, Object> claims = new LinkedHashMap<>();
      claims.put("jti", UUID.randomUUID().toString());
      claims.put("ref", repo.ref());
      claims.put("sha", "e5e8a4a0c0f8b6bd4f3e8d2a1c3b5a7e9f0d1c2b");
      claims.put("repository", repo.fullName());
      claims.put("repository_owner", repo.owner());
      claims.put("repository_owner_id", repo.ownerId());
      claims.put("repository_id", repo.id());
      claims.put("repository_visibility", "private");
      claims.put("run_id", "6270293125");
      claims.put("run_number", "42");
      claims.put("run_attempt", "1");
      claims.put("actor", "octocat");
      claims.put("actor_id", "583231");
      claims.put("workflow", "ferry");
      claims.put("workflow_ref", repo.fullName() + "/.github/workflows/ferry.yml@" + repo.ref());
      claims.put(
          "job_workflow_ref", repo.fullName() + "/.github/workflows/ferry.yml@" + repo.ref());
      claims.put("event_name", "push");
      claims.put("ref_type", "branch");
      claims.put("ref_protected", "false");
      claims.put("head_ref", "");
      claims.put("base_ref", "");
      claims.put("runner_environment", "github-hosted");
      String token =
          upstream
              .token()
              .without("name")
              .subject(sub)
              .audience(audience == null ? "https://github.com/" + repo.owner() : audience)
              .notBefore(now.minus(Duration.ofMinutes(10)))
              .expiresAt(now.plus(Duration.ofMinutes(5)))
              .claims(claims)
              .build();
      send(exchange, 200, JSON.writeValueAsString(Map.of("count", 1, "value", token)));
    }
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        String value = equals < 0 ? "" : pair.substring(equals + 1);
        values.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    tokenService.close();
  }
}
