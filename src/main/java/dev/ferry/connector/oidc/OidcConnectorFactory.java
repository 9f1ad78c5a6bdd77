package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.proc.SecurityContext;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.ConnectorFactory;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.connector.upstream.UpstreamTls;
import dev.ferry.cpu.CpuLane;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connectors of Dex type {@code oidc}. A config error fails {@link #open} with a {@link
 * ConnectorException} naming the key; an unreachable or misbehaving upstream does not (Dex's {@code
 * DEX_CONTINUE_ON_CONNECTOR_FAILURE}): discovery is tried once at open and then again, with
 * backoff, when the connector is used.
 */
public final class OidcConnectorFactory implements ConnectorFactory {

  private static final Logger LOG = LoggerFactory.getLogger(OidcConnectorFactory.class);

  private final Clock clock;
  private final UpstreamHttpSettings settings;
  private final CpuLane cpu;
  private final UpstreamBulkhead.Limits bulkhead;
  private final SecureRandom random = new SecureRandom();

  /** Verifies on the calling thread, with the default bulkhead: for tools and tests. */
  public OidcConnectorFactory(Clock clock, UpstreamHttpSettings settings) {
    this(clock, settings, CpuLane.direct(), UpstreamBulkhead.Limits.defaults());
  }

  /**
   * @param cpu where signature checks run (the server's CPU workers)
   * @param bulkhead the bound on each opened connector's concurrent upstream calls
   */
  public OidcConnectorFactory(
      Clock clock, UpstreamHttpSettings settings, CpuLane cpu, UpstreamBulkhead.Limits bulkhead) {
    this.clock = clock;
    this.settings = settings;
    this.cpu = cpu;
    this.bulkhead = bulkhead;
  }

  @Override
  public String type() {
    return "oidc";
  }

  @Override
  public OidcConnector open(String connectorId, String configJson) throws ConnectorException {
    OidcConfig config = OidcConfigReader.readValid(configJson);
    Optional<Pattern> groupsFilter = groupsFilter(connectorId, config);
    if (!config.providerDiscoveryOverrides().isEmpty()) {
      LOG.warn(
          "overrides for connector {} are set, this can be a vulnerability when not properly"
              + " configured",
          connectorId);
    }
    if (config.insecureSkipVerify()) {
      LOG.warn(
          "connector {} has insecureSkipVerify: upstream TLS certificates are not checked",
          connectorId);
    }
    SSLContext tls = UpstreamTls.context(config.rootCas(), config.insecureSkipVerify());
    UpstreamHttp http =
        new UpstreamHttp(
            tls, settings.connectTimeout(), settings.requestTimeout(), settings.maxResponseBytes());
    UpstreamBulkhead upstreamCalls = new UpstreamBulkhead(connectorId, bulkhead);
    ClaimMapper mapper = new ClaimMapper(config, groupsFilter);
    UserInfo userInfo = new UserInfo(http, upstreamCalls);
    TokenEndpoint tokenEndpoint = new TokenEndpoint(config, http, upstreamCalls);
    if (config.pinsKeys()) {
      UpstreamProvider given = given(connectorId, config, upstreamCalls);
      return new OidcConnector(
          connectorId,
          config,
          given,
          mapper,
          userInfo,
          http,
          settings.maxTokenBytes(),
          new OidcLogin(
              connectorId,
              config,
              given,
              tokenEndpoint,
              userInfo,
              mapper,
              random,
              settings.maxTokenBytes()));
    }
    LazyProvider provider =
        new LazyProvider(
            connectorId,
            new Discovery(config, http),
            metadata -> assemble(metadata, http, upstreamCalls),
            clock,
            settings);
    OidcConnector connector =
        new OidcConnector(
            connectorId,
            config,
            provider,
            mapper,
            userInfo,
            http,
            settings.maxTokenBytes(),
            new OidcLogin(
                connectorId,
                config,
                provider,
                tokenEndpoint,
                userInfo,
                mapper,
                random,
                settings.maxTokenBytes()));
    try {
      provider.get();
    } catch (IdentityException e) {
      // Logged by the provider; the connector stays usable and retries discovery on use.
    }
    return connector;
  }

  /**
   * The upstream of a connector given its keys ({@code jwks} or {@code jwksFile}): no discovery, no
   * JWKS and no userinfo request, ever. The expected {@code iss} is {@code issuerAlias} if set,
   * else {@code issuer}, exactly as after discovery; the algorithms are those of the keys.
   */
  private UpstreamProvider given(
      String connectorId, OidcConfig config, UpstreamBulkhead upstreamCalls)
      throws ConnectorException {
    PinnedKeySource keys;
    JsonNode inline = config.jwks();
    try {
      keys =
          inline != null
              ? new InlineKeys(PinnedJwks.inline(inline))
              : new JwksFileKeys(connectorId, OidcConfigReader.jwksPath(config), clock);
    } catch (PinnedJwks.InvalidJwks e) {
      // readValid checked the same; the file may have changed since.
      throw new ConnectorException(
          e.problems().stream()
              .map(problem ->
                  inline != null
                      ? OidcConfigReader.jwksProblem(problem)
                      : OidcConfigReader.jwksFileProblem(config, problem))
              .collect(Collectors.joining("; ")),
          e);
    }
    String issuer = config.configuredIssuer();
    LOG.atInfo()
        .setMessage("oidc connector ready with given keys, no discovery")
        .addKeyValue("connector_id", connectorId)
        .addKeyValue("issuer", issuer)
        .addKeyValue("keys", inline != null ? "jwks" : "jwksFile " + config.jwksFile())
        .addKeyValue(
            "algorithms", keys.algorithms().stream().map(Object::toString).sorted().toList())
        .log();
    // The metadata's algorithm list is informational here: the verifier asks the keys per token.
    ProviderMetadata metadata =
        new ProviderMetadata(
            issuer,
            Optional.empty(),
            Optional.empty(),
            keys.algorithms(),
            Optional.empty(),
            Optional.empty(),
            List.of());
    return new UpstreamProvider.Given(
        new LazyProvider.Upstream(
            metadata,
            new UpstreamTokenVerifier(issuer, keys::algorithms, keys, clock, cpu, upstreamCalls)));
  }

  /**
   * Checks a config without contacting the upstream: every problem, each naming its key (for {@code
   * config check}). Empty when {@link #open} would accept the config.
   */
  @Override
  public List<String> validate(String configJson) {
    try {
      return OidcConfigReader.problems(OidcConfigReader.read(configJson));
    } catch (ConnectorException e) {
      return List.of(String.valueOf(e.getMessage()));
    }
  }

  private LazyProvider.Upstream assemble(
      ProviderMetadata metadata, UpstreamHttp http, UpstreamBulkhead upstreamCalls) {
    UpstreamKeySource keys =
        metadata
            .jwksUri()
            .<UpstreamKeySource>map(uri -> new UpstreamKeys(uri, http, settings, clock))
            .orElseGet(NoKeys::new);
    return new LazyProvider.Upstream(
        metadata,
        new UpstreamTokenVerifier(
            metadata.expectedIssuer(),
            metadata::idTokenAlgorithms,
            keys,
            clock,
            cpu,
            upstreamCalls));
  }

  /** The key source of an upstream whose discovery document names no JWKS. */
  private static final class NoKeys implements UpstreamKeySource {
    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
      throw new KeySourceException("the upstream discovery document has no jwks_uri");
    }

    @Override
    public List<JWK> cached(JWKSelector selector) {
      return List.of();
    }
  }

  private static Optional<Pattern> groupsFilter(String connectorId, OidcConfig config) {
    String regex = config.claimModifications().filterGroupClaims().groupsFilter();
    if (regex.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      // Dex logs and ignores an invalid groupsFilter.
      LOG.warn(
          "ignoring invalid groupsFilter: connector_id={} error={}",
          connectorId,
          e.getDescription());
      return Optional.empty();
    }
  }
}
