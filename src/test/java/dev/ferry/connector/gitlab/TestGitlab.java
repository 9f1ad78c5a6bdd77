package dev.ferry.connector.gitlab;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens gitlab connectors against a {@link FakeGitlab} with short, test-friendly limits. */
final class TestGitlab {

  static final UpstreamHttpSettings FAST =
      UpstreamHttpSettings.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(1500));

  private TestGitlab() {}

  /** {@code baseURL} of the fake plus {@code config}. */
  static GitlabConnector open(FakeGitlab gitlab, Map<String, ?> config) throws ConnectorException {
    return open(gitlab, MutableClock.atFixedStart(), config);
  }

  static GitlabConnector open(FakeGitlab gitlab, Clock clock, Map<String, ?> config)
      throws ConnectorException {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("baseURL", gitlab.baseUrl());
    all.putAll(config);
    return new GitlabConnectorFactory(clock, FAST).open("gitlab", FakeGitlab.json(all));
  }
}
