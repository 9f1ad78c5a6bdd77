package dev.ferry.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Claims that carry a name someone can give up and someone else can take (a renamed or deleted
 * GitHub user or organization's login can be registered again, and GitHub's OIDC tokens then carry
 * it for the new owner's workflows: "repojacking"), each with the immutable ID claim that names the
 * same thing. A condition that names one of them but no ID claim gets a warning.
 */
final class MutableClaims {

  /** Mutable claim to the immutable claim(s) an operator should compare instead or as well. */
  static final Map<String, List<String>> MUTABLE =
      Map.ofEntries(
          // GitHub Actions
          Map.entry("repository", List.of("repository_id")),
          Map.entry("repository_owner", List.of("repository_owner_id")),
          Map.entry("actor", List.of("actor_id")),
          Map.entry("enterprise", List.of("enterprise_id")),
          Map.entry("job_workflow_ref", List.of("repository_owner_id")),
          // GitLab
          Map.entry("project_path", List.of("project_id")),
          Map.entry("namespace_path", List.of("namespace_id")),
          Map.entry("user_login", List.of("user_id")),
          // Buildkite
          Map.entry("organization_slug", List.of("organization_id")),
          Map.entry("pipeline_slug", List.of("organization_id")),
          // HCP Terraform
          Map.entry("terraform_organization_name", List.of("terraform_organization_id")),
          Map.entry("terraform_workspace_name", List.of("terraform_workspace_id")));

  /** Immutable IDs: naming any of them in a condition silences the warning. */
  static final Set<String> IMMUTABLE =
      Set.of(
          "repository_id",
          "repository_owner_id",
          "enterprise_id",
          "actor_id",
          "namespace_id",
          "project_id",
          "user_id",
          "organization_id",
          "terraform_organization_id",
          "terraform_workspace_id",
          "terraform_project_id");

  private MutableClaims() {}
}
