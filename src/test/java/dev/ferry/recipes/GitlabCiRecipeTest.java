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

/**
 * Runs the job of {@code docs/recipes/gitlab-ci/.gitlab-ci.yml} as a GitLab runner would, against a
 * Ferry started from {@code docs/recipes/gitlab-ci/ferry.yaml}: the job's ID token is exchanged
 * with {@code ferry token --from gitlab} and the Ferry token is accepted by an API that verifies
 * it; a project of another group, or an unprotected branch, is refused by the trust rule.
 */
class GitlabCiRecipeTest {
  private static final String GITLAB_ISSUER = "https://gitlab.com";
  private static final GitlabJob.Project OURS =
      new GitlabJob.Project("4567", "my-group/app", "891", "main", true);

  @TempDir static Path dir;
  private static UpstreamIssuer gitlab;
  private static RunningFerry ferry;
  private static ApiStandIn api;
  private static GitlabJob job;
  private static Path ferryOnPath;

  @BeforeAll
  static void start() throws Exception {
    gitlab = UpstreamIssuer.start();
    ferry =
        RecipeFerry.start(
            dir, Recipes.file("gitlab-ci/ferry.yaml"), GITLAB_ISSUER, gitlab.issuer());
    api = ApiStandIn.start(ferry);
    job = GitlabJob.load(Recipes.file("gitlab-ci/.gitlab-ci.yml"), "call-api");
    ferryOnPath = FerryOnPath.create(dir.resolve("bin"));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable open : new AutoCloseable[] {api, ferry, gitlab}) {
      try {
        if (open != null) {
          open.close();
        }
      } catch (Exception e) {
        // Closing the others matters more.
      }
    }
  }

  private static Shell.Result run(GitlabJob.Project project) throws Exception {
    // The test stands in for before_script, which installs ferry and does nothing else.
    assertThat(String.join("\n", job.beforeScript())).contains("FERRY_DIST_URL", "ferry.jar");
    return job.run(
        project,
        gitlab,
        Map.of("FERRY_ISSUER", ferry.issuer, "API_URL", api.url()),
        ferryOnPath,
        dir.resolve("builds"));
  }

  @Test
  void theJobCallsTheApiWithAFerryTokenForItsProject() throws Exception {
    assertThat(job.idTokenAudiences()).isEqualTo(Map.of("FERRY_ID_TOKEN", List.of("ferry")));
    int before = api.verified().size();

    Shell.Result result = run(OURS);

    assertThat(result.status()).as("%s", result).isZero();
    List<JWTClaimsSet> verified = api.verified();
    assertThat(verified).as("refused: %s", api.refused()).hasSize(before + 1);
    JWTClaimsSet token = verified.get(before);
    assertThat(token.getIssuer()).isEqualTo(ferry.issuer);
    assertThat(token.getSubject())
        .isEqualTo(
            SubjectCodec.encode("project_path:my-group/app:ref_type:branch:ref:main", "gitlab"));
    assertThat(token.getAudience()).containsExactly("gitlab-ci");
  }

  @Test
  void aProjectOfAnotherGroupIsRefused() throws Exception {
    int before = api.verified().size();

    Shell.Result result = run(new GitlabJob.Project("9999", "my-group/app", "891", "main", true));

    assertThat(result.status()).as("%s", result).isEqualTo(4);
    assertThat(result.err())
        .containsPattern(
            "(?m)^error: access_denied: The subject token is not allowed by the"
                + " connector's trust rules\\. \\(request id ");
    assertThat(api.verified()).hasSize(before);
  }

  @Test
  void anUnprotectedBranchIsRefused() throws Exception {
    int before = api.verified().size();

    Shell.Result result = run(new GitlabJob.Project("4567", "my-group/app", "891", "dev", false));

    assertThat(result.status()).as("%s", result).isEqualTo(4);
    assertThat(result.err()).containsPattern("(?m)^error: access_denied: ");
    assertThat(api.verified()).hasSize(before);
  }

  @Test
  void theFerryConfigIsValidAsWrittenAndPinsTheGroup() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "config",
            "check",
            "--strict",
            Recipes.file("gitlab-ci/ferry.yaml").toString());
    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString()).contains("configuration is valid");
  }
}
