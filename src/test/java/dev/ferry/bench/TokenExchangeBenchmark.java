package dev.ferry.bench;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.oidc.OidcConnector;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.endpoint.token.GrantRequest;
import dev.ferry.endpoint.token.RequestContext;
import dev.ferry.endpoint.token.TokenResponse;
import dev.ferry.endpoint.token.grant.TokenExchangeGrant;
import dev.ferry.endpoint.token.grant.TokenExchangeMetrics;
import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.policy.AuditSink;
import dev.ferry.policy.NoOpSubjectPolicy;
import dev.ferry.policy.TrustPolicy;
import dev.ferry.signer.KeyGenerator;
import dev.ferry.signer.StaticSigner;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.token.TokenIssuer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole token exchange below HTTP: parse the guide's form body, then {@link
 * TokenExchangeGrant#handle} (verify the upstream RS256 ID token through the {@code oidc}
 * connector, map the claims, sign a Ferry access token with {@code algorithm}). Client
 * authentication and the connector policy, which the endpoint runs before the grant, are left out:
 * they are map lookups and a constant-time comparison. The success log line is INFO, which the test
 * logging configuration (root WARN) drops, so its cost is not included either.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenExchangeBenchmark {

  @Param({"RS256", "ES256"})
  public String algorithm;

  @Param({"jdk", "accp"})
  public String provider;

  /**
   * {@code none}: the guide's connector, without a {@code trust} block (Dex's behaviour); {@code
   * github}: with {@link GitHubActions#trustConfig()}, three pinned rules of five conjuncts, the
   * last one deciding.
   */
  @Param({"none", "github"})
  public String rules;

  private UpstreamIssuer upstream;
  private OidcConnector connector;
  private TokenExchangeGrant grant;
  private String body;
  private Optional<Client> client;
  private Optional<OpenedConnector> opened;

  @Setup
  public void setUp() throws ConnectorException, FormException {
    CryptoSetup.use(provider);
    SecureRandom random = new SecureRandom();
    upstream = UpstreamIssuer.builder().userInfo(false).start();
    connector = GitHubActions.openConnector(upstream);
    Connector definition =
        new Connector(
            GitHubActions.CONNECTOR_ID,
            "oidc",
            GitHubActions.CONNECTOR_ID,
            "1",
            GitHubActions.connectorConfig(upstream),
            List.of());
    opened = Optional.of(new OpenedConnector(definition, connector));
    client = Optional.of(Client.of("my-app", "my-secret", "My App").withPublic(true));
    TokenIssuer issuer =
        new TokenIssuer(
            "https://ferry.example.com/dex",
            new StaticSigner(new KeyGenerator(random).generate(algorithm)),
            id -> Optional.empty(),
            Duration.ofHours(24),
            Clock.systemUTC(),
            random);
    grant =
        new TokenExchangeGrant(
            issuer,
            rules.equals("none")
                ? new NoOpSubjectPolicy()
                : new TrustPolicy(
                    Map.of(GitHubActions.CONNECTOR_ID, GitHubActions.compiledTrust()),
                    Clock.systemUTC()),
            use -> true,
            AuditSink.discard(),
            TokenExchangeMetrics.unregistered(),
            Clock.systemUTC(),
            dev.ferry.endpoint.token.IssuerIdentity.of("https://ferry.example.com"));
    body = formBody(GitHubActions.idToken(upstream, Duration.ofHours(24)));
    // Warms discovery and the JWKS cache, and checks the request succeeds.
    TokenResponse response = exchange();
    System.out.println(
        "# exchange ok: "
            + response.issuedTokenType()
            + ", expires_in "
            + response.expiresIn()
            + ", "
            + response.accessToken().length()
            + " characters");
  }

  @TearDown
  public void tearDown() {
    connector.close();
    upstream.close();
  }

  /** The guide's curl request, as {@code bench/exchange.lua} sends it. */
  static String formBody(String subjectToken) {
    return "grant_type="
        + encode("urn:ietf:params:oauth:grant-type:token-exchange")
        + "&connector_id="
        + GitHubActions.CONNECTOR_ID
        + "&scope="
        + encode("openid groups federated:id")
        + "&requested_token_type="
        + encode("urn:ietf:params:oauth:token-type:access_token")
        + "&subject_token_type="
        + encode("urn:ietf:params:oauth:token-type:id_token")
        + "&subject_token="
        + subjectToken;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Benchmark
  public TokenResponse exchange() throws FormException {
    return grant.handle(
        new GrantRequest<>(grant.parse(Form.parse(body)), client, opened, RequestContext.none()));
  }
}
