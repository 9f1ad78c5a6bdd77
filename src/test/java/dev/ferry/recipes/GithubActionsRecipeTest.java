package dev.ferry.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.ferry.cli.Main;
import dev.ferry.server.RunningFerry;
import dev.ferry.testing.FerryOnPath;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.token.SubjectCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs {@code docs/recipes/github-actions/workflow.yml} as GitHub would, against a Ferry started
 * from {@code docs/recipes/github-actions/ferry.yaml}: both jobs (with {@code ferry token}, and
 * with curl and jq) get a token from the simulated runner, exchange it, and call an API that
 * verifies Ferry's token; a repository of another owner is refused by the trust rule.
 */
class GithubActionsRecipeTest {
  private static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
  private static final GithubRunner.Repository OURS =
      new GithubRunner.Repository(
          "octo-org", "1234567", "octo-repo", "89012345", "refs/heads/main");
  private static final GithubRunner.Repository THEIRS =
      new GithubRunner.Repository(
          "octo-org", "7654321", "octo-repo", "99999999", "refs/heads/main");

  @TempDir static Path dir;
  private static UpstreamIssuer github;
  private static RunningFerry ferry;
  private static ApiStandIn api;
  private static GithubRunner runner;
  private static Path ferryOnPath;

  @BeforeAll
  static void start() throws Exception {
    github = UpstreamIssuer.builder().userInfo(false).start();
    ferry =
        RecipeFerry.start(
            dir, Recipes.file("github-actions/ferry.yaml"), GITHUB_ISSUER, github.issuer());
    api = ApiStandIn.start(ferry);
    runner =
        GithubRunner.start(
            Recipes.file("github-actions/workflow.yml"), github, dir.resolve("runs"));
    ferryOnPath = FerryOnPath.create(dir.resolve("bin"));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable open : new AutoCloseable[] {runner, api, ferry, github}) {
      try {
        if (open != null) {
          open.close();
        }
      } catch (Exception e) {
        // Closing the others matters more.
      }
    }
  }

  private static GithubRunner.JobRun run(String job, GithubRunner.Repository repository)
      throws Exception {
    return runner.run(
        job,
        repository,
        Map.of(
            "FERRY_ISSUER",
            ferry.issuer,
            "API_URL",
            api.url(),
            "FERRY_DIST_URL",
            "http://127.0.0.1:9/not-used-the-test-installs-ferry"),
        Map.of(),
        Map.of("install-ferry", ferryOnPath));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ferry-token, ferry", "curl-jq, exchange"})
  void theJobCallsTheApiWithAFerryTokenForItsRepository(String job, String tokenStep)
      throws Exception {
    int before = api.verified().size();
    int requestsBefore = runner.tokenRequests().size();

    GithubRunner.JobRun run = run(job, OURS);

    assertThat(run.succeeded()).as("%s", run.steps()).isTrue();
    assertThat(run.steps()).hasSize(2);
    assertThat(runner.tokenRequests().subList(requestsBefore, runner.tokenRequests().size()))
        .extracting(GithubRunner.TokenRequest::audience)
        .containsExactly("ferry");
    List<JWTClaimsSet> verified = api.verified();
    assertThat(verified).as("refused: %s", api.refused()).hasSize(before + 1);
    JWTClaimsSet token = verified.get(before);
    assertThat(token.getIssuer()).isEqualTo(ferry.issuer);
    assertThat(token.getSubject())
        .isEqualTo(
            SubjectCodec.encode("repo:octo-org/octo-repo:ref:refs/heads/main", "github-actions"));
    assertThat(token.getAudience()).containsExactly("github-ci");
    assertThat(run.step(tokenStep).result().out()).isEmpty();
    // Both tokens are masked before anything could print them, and nothing else prints them.
    assertThat(run.masks()).hasSize(job.equals("curl-jq") ? 2 : 1);
    for (String secret : run.masks()) {
      assertThat(run.log()).doesNotContain(secret);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ferry-token, ferry", "curl-jq, exchange"})
  void aRepositoryOfAnotherOwnerIsRefused(String job, String tokenStep) throws Exception {
    int before = api.verified().size();

    GithubRunner.JobRun run = run(job, THEIRS);

    assertThat(run.succeeded()).isFalse();
    GithubRunner.StepRun step = run.step(tokenStep);
    assertThat(run.steps().get(run.steps().size() - 1)).isEqualTo(step);
    assertThat(step.result().status()).isNotZero();
    assertThat(step.result().err())
        .containsPattern(
            "(?m)^error: access_denied: The subject token is not allowed by the"
                + " connector's trust rules\\.");
    if (job.equals("ferry-token")) {
      assertThat(step.result().status()).isEqualTo(4);
      assertThat(step.result().err()).contains("(request id ");
    }
    assertThat(api.verified()).hasSize(before);
  }

  @Test
  void theFerryConfigIsValidAsWrittenAndPinsTheOwner() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "config",
            "check",
            "--strict",
            Recipes.file("github-actions/ferry.yaml").toString());
    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).contains("configuration is valid");
  }
}
