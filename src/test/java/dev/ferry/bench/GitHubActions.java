package dev.ferry.bench;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.oidc.OidcConnector;
import dev.ferry.connector.oidc.OidcConnectorFactory;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.testing.UpstreamIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The workload every benchmark measures: a GitHub Actions shaped upstream (no userinfo, RS256 ID
 * tokens without {@code name} or {@code email}) behind an {@code oidc} connector configured as the
 * guide "Machine Authentication to Dex" configures it.
 */
final class GitHubActions {
  static final String CONNECTOR_ID = "github-actions";
  static final String SUB = "repo:octo-org/octo-repo:ref:refs/heads/main";

  private GitHubActions() {}

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
        .claim("repository_owner", "octo-org")
        .claim("ref", "refs/heads/main")
        .expiresAt(Instant.now().plus(validity))
        .build();
  }
}
