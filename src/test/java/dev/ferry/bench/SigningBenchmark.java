package dev.ferry.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import dev.ferry.signer.KeyGenerator;
import dev.ferry.signer.StaticSigner;
import dev.ferry.storage.Claims;
import dev.ferry.token.IssuedToken;
import dev.ferry.token.TokenClaims;
import dev.ferry.token.TokenIssuer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Minting one Ferry access token with {@link TokenIssuer} and a {@link StaticSigner}: claim
 * assembly in Dex's order, {@code at_hash} of a fresh random value, {@code jti}, JSON, and the JWS
 * signature. The claims are those of a GitHub Actions exchange with the guide's scopes ({@code
 * openid groups federated:id}). The signature dominates; see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SigningBenchmark {

  @Param({"RS256", "ES256"})
  public String algorithm;

  @Param({"jdk", "accp"})
  public String provider;

  private TokenIssuer issuer;
  private TokenClaims claims;

  @Setup
  public void setUp() throws JOSEException {
    CryptoSetup.use(provider);
    // Created after the provider is chosen, as FerryServer's random is created after start-up.
    SecureRandom random = new SecureRandom();
    JWK key = new KeyGenerator(random).generate(algorithm);
    System.out.println(
        "# "
            + algorithm
            + " signs with "
            + CryptoSetup.signingProvider(
                CryptoSetup.jcaAlgorithm(algorithm), ((AsymmetricJWK) key).toPrivateKey())
            + "; SecureRandom "
            + random.getAlgorithm()
            + " from "
            + random.getProvider().getName());
    issuer =
        new TokenIssuer(
            "https://ferry.example.com/dex",
            new StaticSigner(key),
            id -> Optional.empty(),
            Duration.ofHours(24),
            Clock.systemUTC(),
            random);
    claims =
        new TokenClaims(
            "my-app",
            List.of("openid", "groups", "federated:id"),
            new Claims(GitHubActions.SUB, GitHubActions.SUB, "", "", false, List.of()),
            GitHubActions.CONNECTOR_ID,
            "",
            null);
  }

  @Benchmark
  public IssuedToken signAccessToken() {
    return issuer.signAccessToken(claims);
  }
}
