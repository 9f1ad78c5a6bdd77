package dev.ferry.bench;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.oidc.OidcConnector;
import dev.ferry.connector.oidc.OidcConnectorFactory;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.policy.CompiledTrust;
import dev.ferry.policy.ConnectorTrust;
import dev.ferry.policy.RuleConfig;
import dev.ferry.policy.RuleMode;
import dev.ferry.policy.TrustCompiler;
import dev.ferry.policy.TrustConfig;
import dev.ferry.testing.UpstreamIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workload every benchmark measures: a GitHub Actions shaped upstream (no userinfo, RS256 ID
 * tokens without {@code name} or {@code email}) behind an {@code oidc} connector configured as the
 * guide "Machine Authentication to Dex" configures it.
 */
final class GitHubActions {
  static final String CONNECTOR_ID = "github-actions";
  static final String SUB = "repo:octo-org/octo-repo:ref:refs/heads/main";

  static final String ISSUER = "https://token.actions.githubusercontent.com";

  /** The audience a GitHub workflow asks for, which the trust block requires. */
  static final String AUDIENCE = "https://ferry.example.com";

  /** The claims of a real-shaped GitHub Actions ID token, besides iss, sub, aud, iat and exp. */
  static final Map<String, Object> CLAIMS = claims();

  private GitHubActions() {}

  private static Map<String, Object> claims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("ref", "refs/heads/main");
    claims.put("ref_type", "branch");
    claims.put("ref_protected", "true");
    claims.put("sha", "d7b5e8c2a4f1e3b6c9d0a1b2c3d4e5f6a7b8c9d0");
    claims.put("repository", "octo-org/octo-repo");
    claims.put("repository_id", "89");
    claims.put("repository_owner", "octo-org");
    claims.put("repository_owner_id", "1234567");
    claims.put("repository_visibility", "private");
    claims.put("run_id", "1234567890");
    claims.put("run_number", "42");
    claims.put("run_attempt", "1");
    claims.put("actor", "octocat");
    claims.put("actor_id", "583231");
    claims.put("workflow", "deploy");
    claims.put("workflow_ref", "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main");
    claims.put(
        "job_workflow_ref", "octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main");
    claims.put("event_name", "push");
    claims.put("runner_environment", "github-hosted");
    claims.put("head_ref", "");
    claims.put("base_ref", "");
    return Collections.unmodifiableMap(claims);
  }

  /**
   * The trust rules of a typical GitHub Actions connector (issue 8): three enforce rules of five
   * conjuncts each, pinned on the owner's ID, of which only the last matches {@link #CLAIMS}.
   */
  static TrustConfig trustConfig() {
    return new TrustConfig(
        List.of("https://ferry.example.com"),
        Optional.of(Duration.ofMinutes(10)),
        false,
        List.of(
            rule(
                "release",
                "claims.repository_owner_id == '1234567' && claims.repository_id in ['89',"
                    + " '90'] && claims.event_name == 'push' && claims.ref =="
                    + " 'refs/tags/release' && claims.environment == 'prod'"),
            rule(
                "reusable-deploy",
                "claims.repository_owner_id == '1234567' && claims.event_name == 'push' &&"
                    + " claims.ref == 'refs/heads/main' && claims.job_workflow_ref =="
                    + " 'octo-org/workflows/.github/workflows/deploy.yml@refs/heads/main' &&"
                    + " claims.runner_environment == 'github-hosted'"),
            rule(
                "deploy-from-main",
                "claims.repository_owner_id == '1234567' && claims.repository_id == '89' &&"
                    + " claims.event_name == 'push' && claims.ref == 'refs/heads/main' &&"
                    + " claims.ref_type == 'branch' && 'groups' in request.scopes")));
  }

  /** {@link #trustConfig()} compiled as Ferry compiles it at load. */
  static ConnectorTrust compiledTrust() {
    CompiledTrust compiled =
        TrustCompiler.compile("connectors[0].trust", Optional.of(ISSUER), trustConfig());
    if (!compiled.problems().isEmpty()) {
      throw new IllegalStateException(compiled.problems().toString());
    }
    return compiled.trust().orElseThrow();
  }

  private static RuleConfig rule(String name, String condition) {
    return new RuleConfig(
        name,
        Optional.empty(),
        condition,
        Optional.of("claims.repository"),
        Optional.of("['deployers', 'repo:' + claims.repository]"),
        Map.of("repository", "claims.repository", "ref", "claims.ref"),
        Optional.of(Duration.ofMinutes(15)),
        RuleMode.ENFORCE);
  }

  /** The connector's {@code config}, as JSON (the guide's: no email scope, userNameKey sub). */
  static String connectorConfig(UpstreamIssuer upstream) {
    return """
    {"issuer":"%s","scopes":["openid","groups"],"userNameKey":"sub"}\
    """
        .formatted(upstream.issuer());
  }

  /** The connector as Ferry opens it, with Ferry's default HTTP settings and the system clock. */
  static OidcConnector openConnector(UpstreamIssuer upstream) throws ConnectorException {
    return new OidcConnectorFactory(Clock.systemUTC(), UpstreamHttpSettings.defaults())
        .open(CONNECTOR_ID, connectorConfig(upstream));
  }

  /** A signed ID token of {@code upstream} for the repository's main branch. */
  static String idToken(UpstreamIssuer upstream, Duration validity) {
    return upstream
        .token()
        .subject(SUB)
        .without("name")
        .audience(AUDIENCE)
        .claims(CLAIMS)
        .expiresAt(Instant.now().plus(validity))
        .build();
  }
}
