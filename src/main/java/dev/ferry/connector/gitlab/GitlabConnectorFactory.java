package dev.ferry.connector.gitlab;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.connector.upstream.UpstreamTls;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Opens connectors of Dex type {@code gitlab}. Opening never contacts GitLab (Dex's gitlab Open
 * does not either); a config error fails {@link #open} with a {@link ConnectorException} naming the
 * key.
 *
 * <p>The HTTP limits are the ones every connector shares ({@link UpstreamHttpSettings}: connect and
 * request timeouts, response size cap, longest subject token); the discovery and JWKS settings in
 * it do not apply here.
 */
public final class GitlabConnectorFactory implements ConnectorFactory {

  public static final String TYPE = "gitlab";

  /**
   * How many request timeouts the GitLab calls for one token may take together. A token needs two
   * calls, or with {@code inheritedGroups} and {@code getGroupsPermission} one per group; without
   * this bound a user in many groups behind a slow GitLab would hold the request for minutes.
   */
  static final int REQUEST_TIMEOUTS_PER_TOKEN = 3;

  private final Clock clock;
  private final UpstreamHttpSettings settings;
  private final UpstreamBulkhead.Limits bulkhead;

  /** With the default bulkhead. */
  public GitlabConnectorFactory(Clock clock, UpstreamHttpSettings settings) {
    this(clock, settings, UpstreamBulkhead.Limits.defaults());
  }

  /**
   * @param bulkhead the bound on each opened connector's concurrent GitLab calls
   */
  public GitlabConnectorFactory(
      Clock clock, UpstreamHttpSettings settings, UpstreamBulkhead.Limits bulkhead) {
    this.clock = clock;
    this.settings = settings;
    this.bulkhead = bulkhead;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public GitlabConnector open(String connectorId, String configJson) throws ConnectorException {
    GitlabConfig config = GitlabConfigReader.readValid(configJson);
    List<String> roots = GitlabConfigReader.rootCaPem(config).map(List::of).orElse(List.of());
    SSLContext tls = UpstreamTls.context(roots, false);
    UpstreamHttp http =
        new UpstreamHttp(
            tls, settings.connectTimeout(), settings.requestTimeout(), settings.maxResponseBytes());
    Duration budget = settings.requestTimeout().multipliedBy(REQUEST_TIMEOUTS_PER_TOKEN);
    return new GitlabConnector(
        connectorId,
        config,
        http,
        new UpstreamBulkhead(connectorId, bulkhead),
        clock,
        budget,
        settings.maxTokenBytes());
  }

  /**
   * Checks a config without contacting GitLab: every problem, each naming its key (for {@code
   * config check}). Empty when {@link #open} would accept the config.
   */
  @Override
  public List<String> validate(String configJson) {
    try {
      return GitlabConfigReader.problems(GitlabConfigReader.read(configJson));
    } catch (ConnectorException e) {
      return List.of(String.valueOf(e.getMessage()));
    }
  }
}
