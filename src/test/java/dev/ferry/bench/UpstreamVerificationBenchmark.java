package dev.ferry.bench;

import com.nimbusds.jose.JOSEException;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.oidc.OidcConnector;
import dev.ferry.oauth2.TokenTypes;
import dev.ferry.testing.UpstreamIssuer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Verifying an upstream RS256 ID token (a GitHub Actions shaped one) through the {@code oidc}
 * connector's {@code tokenIdentity}: parse, issuer, algorithm allow-list, {@code exp}/{@code nbf},
 * the RSA signature against the cached JWKS, and Dex's claim mapping. Discovery and the JWKS come
 * from an in-process {@link UpstreamIssuer} on loopback and are fetched in {@link #setUp}, so the
 * measured path makes no network call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UpstreamVerificationBenchmark {

  @Param({"jdk", "accp"})
  public String provider;

  private UpstreamIssuer upstream;
  private OidcConnector connector;
  private String subjectToken;

  @Setup
  public void setUp() throws ConnectorException, IdentityException, JOSEException {
    CryptoSetup.use(provider);
    upstream = UpstreamIssuer.builder().userInfo(false).start();
    connector = GitHubActions.openConnector(upstream);
    subjectToken = GitHubActions.idToken(upstream, Duration.ofHours(24));
    Identity identity = connector.tokenIdentity(TokenTypes.ID_TOKEN, subjectToken).identity();
    if (!identity.userId().equals(GitHubActions.SUB)) {
      throw new IllegalStateException("unexpected identity " + identity);
    }
    System.out.println(
        "# upstream RS256 verified with "
            + CryptoSetup.verifyingProvider("SHA256withRSA", upstream.rsaKey().toRSAPublicKey()));
  }

  @TearDown
  public void tearDown() {
    connector.close();
    upstream.close();
  }

  @Benchmark
  public Identity tokenIdentity() throws IdentityException {
    return connector.tokenIdentity(TokenTypes.ID_TOKEN, subjectToken).identity();
  }
}
