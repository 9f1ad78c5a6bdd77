package dev.ferry.connector.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.testing.UpstreamIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Opens connectors against an {@link UpstreamIssuer} with short, test-friendly limits. */
final class TestConnectors {

  static final UpstreamHttpSettings FAST =
      UpstreamHttpSettings.defaults()
          .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(1500))
          .withDiscoveryRetry(Duration.ofSeconds(1), Duration.ofSeconds(8));

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestConnectors() {}

  /** {@code issuer} plus {@code config}; scopes default to Dex's test value, without email. */
  static Map<String, Object> config(UpstreamIssuer upstream, Map<String, ?> config) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("issuer", upstream.issuer());
    all.put("scopes", List.of("openid", "groups"));
    all.putAll(config);
    return all;
  }

  static String json(Map<String, ?> config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static OidcConnector open(UpstreamIssuer upstream, Clock clock, Map<String, ?> config)
      throws ConnectorException {
    return open(clock, FAST, config(upstream, config));
  }

  static OidcConnector open(Clock clock, UpstreamHttpSettings settings, Map<String, ?> fullConfig)
      throws ConnectorException {
    return new OidcConnectorFactory(clock, settings).open("upstream", json(fullConfig));
  }
}
