package dev.ferry.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code docs/workload-identity.md} keeps up with {@code ferry token --help} and the recipes. */
class WorkloadIdentityDocTest {
  private static final Path DOC = Path.of("docs", "workload-identity.md");

  @Test
  void everyFlagOfTheHelpIsInTheFlagTable() {
    StringWriter out = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "token",
            "--help");
    assertThat(status).isZero();
    Set<String> flags = new LinkedHashSet<>();
    Matcher flag = Pattern.compile("(?m)^\\s+(?:-\\w, )?(--[a-z-]+)").matcher(out.toString());
    while (flag.find()) {
      flags.add(flag.group(1));
    }
    assertThat(flags).contains("--from", "--issuer", "--no-cache", "--help", "--version");
    String doc = Recipes.read(DOC.toAbsolutePath());
    String table = doc.substring(doc.indexOf("## Flags"), doc.indexOf("## Sources"));
    for (String name : flags) {
      assertThat(table)
          .as("the flag table documents %s", name)
          .containsPattern(
              "(?m)^\\| `" + Pattern.quote(name) + "[ `,]|, `" + Pattern.quote(name) + "`");
    }
  }

  @Test
  void theRecipesItLinksExistAndEveryPlatformHasAnExample() {
    String doc = Recipes.read(DOC.toAbsolutePath());
    Recipes.file("github-actions/workflow.yml");
    Recipes.file("github-actions/ferry.yaml");
    Recipes.file("gitlab-ci/.gitlab-ci.yml");
    Recipes.file("gitlab-ci/ferry.yaml");
    Recipes.file("kubernetes/deployment.yaml");
    Recipes.file("kubernetes/ferry.yaml");
    Recipes.file("kubectl/README.md");
    Recipes.file("kubectl/kubeconfig.yaml");
    Recipes.file("kubectl/authentication-config.yaml");
    assertThat(doc)
        .contains(
            "(recipes/github-actions/workflow.yml)",
            "(recipes/gitlab-ci/.gitlab-ci.yml)",
            "(recipes/kubernetes/)",
            "(recipes/kubectl/)");
    for (String platform :
        new String[] {
          "GitHub Actions", "GitLab CI", "Kubernetes", "Buildkite", "CircleCI", "kubectl"
        }) {
      assertThat(doc).contains("### " + platform + "\n");
    }
    for (int status : new int[] {0, 1, 2, 3, 4, 5, 6}) {
      assertThat(doc).containsPattern("(?m)^\\| " + status + " \\|");
    }
  }
}
