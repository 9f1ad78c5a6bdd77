package dev.ferry.endpoint.token.grant;

import dev.ferry.policy.AuditOutcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code ferry_token_exchange_total{connector,client,rule,outcome}} and {@code
 * ferry_token_exchange_duration_seconds{connector,outcome}}. Label values come only from the
 * configuration (a connector and a client that exist, a rule's name), never from what a request or
 * a token says, so an attacker cannot grow the series: the caller passes {@code ""} for a connector
 * or client that was not found or not authenticated.
 */
public final class TokenExchangeMetrics {
  private final Counter total;
  private final Histogram duration;

  public TokenExchangeMetrics(PrometheusRegistry registry) {
    total =
        Counter.builder()
            .name("ferry_token_exchange_total")
            .help("Token exchanges by connector, client, deciding trust rule and outcome.")
            .labelNames("connector", "client", "rule", "outcome")
            .register(registry);
    duration =
        Histogram.builder()
            .name("ferry_token_exchange_duration_seconds")
            .help("Time to answer a token exchange, by connector and outcome.")
            .classicOnly()
            .classicUpperBounds(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)
            .labelNames("connector", "outcome")
            .register(registry);
  }

  /** Metrics that go nowhere, for tests and benchmarks that do not read them. */
  public static TokenExchangeMetrics unregistered() {
    return new TokenExchangeMetrics(new PrometheusRegistry());
  }

  void observe(String connector, String client, String rule, AuditOutcome outcome, double seconds) {
    total.labelValues(connector, client, rule, outcome.wireName()).inc();
    duration.labelValues(connector, outcome.wireName()).observe(seconds);
  }
}
