package dev.ferry.endpoint.token.grant;

import dev.ferry.oauth2.GrantTypes;
import dev.ferry.policy.AuditOutcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code ferry_token_exchange_total{connector,client,rule,outcome}} and {@code
 * ferry_token_exchange_duration_seconds{connector,outcome}}, and the same pair for the JWT bearer
 * grant, {@code ferry_jwt_bearer_total} and {@code ferry_jwt_bearer_duration_seconds}, and for the
 * client credentials grant ({@code ferry_client_credentials_*}): a family of its own per grant
 * rather than a {@code grant} label, so that the token exchange series stay what they were. Label
 * values come only from the configuration (a connector and a client that exist, a rule's name),
 * never from what a request or a token says, so an attacker cannot grow the series: the caller
 * passes {@code ""} for a connector or client that was not found or not authenticated.
 */
public final class TokenExchangeMetrics {
  private final Family exchange;
  private final Family bearer;
  private final Family clientCredentials;

  public TokenExchangeMetrics(PrometheusRegistry registry) {
    exchange =
        new Family(
            registry,
            "ferry_token_exchange",
            "Token exchanges by connector, client, deciding trust rule and outcome.",
            "Time to answer a token exchange, by connector and outcome.");
    bearer =
        new Family(
            registry,
            "ferry_jwt_bearer",
            "JWT bearer grants by connector, client, deciding trust rule and outcome.",
            "Time to answer a JWT bearer grant, by connector and outcome.");
    clientCredentials =
        new Family(
            registry,
            "ferry_client_credentials",
            "Client credentials grants by client and outcome (connector and rule are empty).",
            "Time to answer a client credentials grant, by outcome.");
  }

  /** Metrics that go nowhere, for tests and benchmarks that do not read them. */
  public static TokenExchangeMetrics unregistered() {
    return new TokenExchangeMetrics(new PrometheusRegistry());
  }

  void observe(
      String grantType,
      String connector,
      String client,
      String rule,
      AuditOutcome outcome,
      double seconds) {
    Family family =
        switch (grantType) {
          case GrantTypes.JWT_BEARER -> bearer;
          case GrantTypes.CLIENT_CREDENTIALS -> clientCredentials;
          default -> exchange;
        };
    family.total.labelValues(connector, client, rule, outcome.wireName()).inc();
    family.duration.labelValues(connector, outcome.wireName()).observe(seconds);
  }

  private static final class Family {
    final Counter total;
    final Histogram duration;

    Family(PrometheusRegistry registry, String prefix, String totalHelp, String durationHelp) {
      total =
          Counter.builder()
              .name(prefix + "_total")
              .help(totalHelp)
              .labelNames("connector", "client", "rule", "outcome")
              .register(registry);
      duration =
          Histogram.builder()
              .name(prefix + "_duration_seconds")
              .help(durationHelp)
              .classicOnly()
              .classicUpperBounds(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
              .labelNames("connector", "outcome")
              .register(registry);
    }
  }
}
