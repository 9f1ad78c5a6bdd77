package dev.ferry.policy;

import java.util.List;
import java.util.Optional;

/**
 * The upstream issuers that many customers share, and the immutable claims that name the customer
 * (the tenant). A token signed by one of these issuers proves only that <em>some</em> customer of
 * the service ran the workload, so every trust rule on such a connector must compare one of the
 * tenant claims with a literal (issue 8, "Shared issuers: tenant pinning"). To add an issuer, add
 * one entry to {@link #ALL}: the compiler, the unprotected-issuer warning and the docs
 * (docs/trust-policies.md) read only this table.
 */
public final class SharedIssuers {

  /**
   * One shared issuer.
   *
   * @param issuer the {@code iss} URL, without a trailing slash
   * @param service the service's name, as operators know it
   * @param tenantClaims immutable ID claims, any of which pins the tenant
   */
  public record SharedIssuer(String issuer, String service, List<String> tenantClaims) {

    public SharedIssuer {
      tenantClaims = List.copyOf(tenantClaims);
    }

    /** {@code claims.a, claims.b} for messages. */
    String tenantClaimList() {
      return String.join(", ", tenantClaims.stream().map(claim -> "claims." + claim).toList());
    }
  }

  /** The table. The claims are documented by each service's OIDC token reference. */
  public static final List<SharedIssuer> ALL =
      List.of(
          // docs.github.com: "About security hardening with OpenID Connect"; owner and repository
          // names can be renamed and re-registered, their numeric IDs cannot.
          new SharedIssuer(
              "https://token.actions.githubusercontent.com",
              "GitHub Actions",
              List.of("repository_owner_id", "repository_id", "enterprise_id")),
          // docs.gitlab.com: "OpenID Connect (OIDC) Authentication Using ID Tokens".
          new SharedIssuer(
              "https://gitlab.com", "GitLab.com", List.of("namespace_id", "project_id")),
          // buildkite.com/docs/agent/v3/cli-oidc: organization_id is the organization's UUID.
          new SharedIssuer("https://agent.buildkite.com", "Buildkite", List.of("organization_id")),
          // developer.hashicorp.com: "Workload identity" token claims of HCP Terraform.
          new SharedIssuer(
              "https://app.terraform.io", "HCP Terraform", List.of("terraform_organization_id")));

  private SharedIssuers() {}

  /**
   * The shared issuer {@code issuer} names, ignoring one trailing slash and case (these issuers
   * have no path, and scheme and host are case-insensitive).
   */
  public static Optional<SharedIssuer> find(Optional<String> issuer) {
    if (issuer.isEmpty()) {
      return Optional.empty();
    }
    String wanted = withoutTrailingSlash(issuer.get());
    return ALL.stream().filter(shared -> shared.issuer().equalsIgnoreCase(wanted)).findFirst();
  }

  private static String withoutTrailingSlash(String issuer) {
    return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
  }
}
