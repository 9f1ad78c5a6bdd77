package dev.ferry.bench;

import dev.ferry.connector.Identity;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.policy.ConnectorTrust;
import dev.ferry.policy.PolicyDecision;
import dev.ferry.policy.PolicyRequest;
import dev.ferry.policy.TrustEvaluation;
import dev.ferry.policy.TrustInput;
import dev.ferry.policy.TrustPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The trust rules of a typical GitHub Actions connector (issue 8): three enforce rules of five
 * conjuncts each, pinned on the owner's ID, on the claims of a real-shaped GitHub Actions ID token,
 * where only the last rule matches (so every rule runs, the first two up to a late false conjunct)
 * and its username, groups and claims mappings are evaluated. {@code evaluate} is {@link
 * ConnectorTrust#evaluate} alone; {@code policy} is the whole policy step of an exchange ({@link
 * TrustPolicy#evaluate}: the token checks, the rules, the decision). Compilation happens at load
 * and is not measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TrustRulesBenchmark {
  private static final String ISSUER = "https://token.actions.githubusercontent.com";

  private ConnectorTrust trust;
  private TrustPolicy policy;
  private TrustInput input;
  private PolicyRequest request;

  @Setup
  public void setUp() {
    trust = GitHubActions.compiledTrust();
    policy = new TrustPolicy(Map.of(GitHubActions.CONNECTOR_ID, trust), Clock.systemUTC());

    Map<String, Object> claims = new LinkedHashMap<>(GitHubActions.CLAIMS);
    Instant now = Instant.now();
    claims.put("iat", now.getEpochSecond());
    claims.put("nbf", now.getEpochSecond());
    claims.put("exp", now.getEpochSecond() + 3600);
    // Long enough for any measurement: the token checks must pass on every call.
    SubjectToken token =
        new SubjectToken(
            "urn:ietf:params:oauth:token-type:id_token",
            ISSUER,
            List.of("https://ferry.example.com"),
            Optional.of(now),
            Optional.of(now.plus(Duration.ofDays(1))),
            Optional.of("6f5d1c1e-0d6f-4a0b-8f7e-1d2c3b4a5f60"));
    List<String> scopes = List.of("openid", "groups", "federated:id");
    input = new TrustInput("my-app", scopes, claims, token);
    Identity identity =
        new Identity(GitHubActions.SUB, GitHubActions.SUB, "", "", false, List.of(), new byte[0]);
    request =
        new PolicyRequest(
            "my-app",
            GitHubActions.CONNECTOR_ID,
            scopes,
            new VerifiedSubject(token, claims, identity));
    if (!(policy.evaluate(request) instanceof PolicyDecision.Allow)) {
      throw new IllegalStateException("the benchmark's token must be allowed");
    }
  }

  @Benchmark
  public TrustEvaluation evaluate() {
    return trust.evaluate(input, Instant.now());
  }

  @Benchmark
  public PolicyDecision policy() {
    return policy.evaluate(request);
  }
}
