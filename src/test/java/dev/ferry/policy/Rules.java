package dev.ferry.policy;

import dev.ferry.connector.SubjectToken;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builders of trust blocks and tokens for the policy tests. */
final class Rules {
  static final String KEY = "connectors[0].trust";
  static final String GITHUB = "https://token.actions.githubusercontent.com";
  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private Rules() {}

  static Rule rule(String name, String condition) {
    return new Rule(name, condition);
  }

  /** A mutable rule builder: each test states only what it is about. */
  static final class Rule {
    private final String name;
    private final String condition;
    private Optional<List<String>> clients = Optional.empty();
    private Optional<String> username = Optional.empty();
    private Optional<String> groups = Optional.empty();
    private final Map<String, String> claims = new LinkedHashMap<>();
    private Optional<Duration> expiry = Optional.empty();
    private RuleMode mode = RuleMode.ENFORCE;
    private List<String> audiences = List.of();
    private List<String> resources = List.of();

    Rule(String name, String condition) {
      this.name = name;
      this.condition = condition;
    }

    Rule clients(String... ids) {
      clients = Optional.of(List.of(ids));
      return this;
    }

    Rule username(String source) {
      username = Optional.of(source);
      return this;
    }

    Rule groups(String source) {
      groups = Optional.of(source);
      return this;
    }

    Rule claim(String claim, String source) {
      claims.put(claim, source);
      return this;
    }

    Rule expiry(Duration value) {
      expiry = Optional.of(value);
      return this;
    }

    Rule audiences(String... values) {
      audiences = List.of(values);
      return this;
    }

    Rule resources(String... values) {
      resources = List.of(values);
      return this;
    }

    Rule audit() {
      mode = RuleMode.AUDIT;
      return this;
    }

    RuleConfig build() {
      return new RuleConfig(
          name, clients, condition, username, groups, claims, expiry, mode, audiences, resources);
    }
  }

  static TrustConfig trust(Rule... rules) {
    return new TrustConfig(
        List.of(), Optional.empty(), false, List.of(rules).stream().map(Rule::build).toList());
  }

  static CompiledTrust compile(Optional<String> issuer, TrustConfig config) {
    return TrustCompiler.compile(KEY, issuer, config);
  }

  /** Compiles a block that must have no problem. */
  static ConnectorTrust compiled(TrustConfig config) {
    CompiledTrust compiled = compile(Optional.empty(), config);
    if (!compiled.problems().isEmpty()) {
      throw new AssertionError("unexpected problems: " + compiled.problems());
    }
    return compiled.trust().orElseThrow();
  }

  static SubjectToken token() {
    return new SubjectToken(
        "urn:ietf:params:oauth:token-type:id_token",
        "https://issuer.example.com",
        List.of("https://ferry.example.com"),
        Optional.of(NOW.minusSeconds(60)),
        Optional.of(NOW.plusSeconds(3600)),
        Optional.of("jti-1"));
  }

  static TrustInput input(String client, Map<String, Object> claims) {
    return new TrustInput(client, List.of("openid"), claims, token());
  }
}
