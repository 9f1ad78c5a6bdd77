package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.CallbackConnector;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.RefreshConnector;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.TokenIdentityConnector;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.connector.upstream.SubjectClaims;
import dev.ferry.connector.upstream.TokenFingerprint;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.oauth2.TokenTypes;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opened {@code oidc} connector: turns an upstream token into an {@link Identity} for RFC 8693
 * token exchange (Dex: connector/oidc/oidc.go oidcConnector.TokenIdentity,
 * oidcConnector.createIdentity).
 *
 * <p>Rules, by {@code subject_token_type}:
 *
 * <ul>
 *   <li>{@code id_token}: verified as an ID token (see {@link UpstreamTokenVerifier}: issuer,
 *       signature against the upstream JWKS, allowed algorithms, {@code exp}, {@code nbf}; no
 *       {@code aud} check). With {@code getUserInfo}, userinfo is then called with the ID token as
 *       bearer and its claims overwrite the token's; an upstream without a userinfo endpoint is
 *       then an error, as in Dex.
 *   <li>{@code access_token} with {@code getUserInfo} and an upstream userinfo endpoint: the token
 *       is verified only by userinfo answering 200, and the claims are userinfo's (Dex).
 *   <li>{@code access_token} otherwise, i.e. {@code getUserInfo} off or no userinfo endpoint:
 *       <b>deliberately unlike Dex</b> (issue #4032, which refuses every such token), a token that
 *       is a JWT passing exactly the id_token checks above is accepted with its own claims. This
 *       lets GitHub Actions, GitLab CI and Kubernetes tokens be sent as access tokens, as the Dex
 *       documentation's example does. An opaque access token still needs userinfo and is refused.
 * </ul>
 *
 * <p>The claims are then mapped by Dex's rules ({@link ClaimMapper}) and returned with the token's
 * metadata as a {@link VerifiedSubject}; an access token vouched for by userinfo alone counts as
 * opaque (only its type and the upstream issuer are known).
 *
 * <p>Threads: this runs on the request thread. The JWKS fetch (on a cache miss) and the userinfo
 * call take a slot of the connector's {@link dev.ferry.connector.upstream.UpstreamBulkhead};
 * discovery needs none, since {@link LazyProvider} lets one caller at a time try it and fails the
 * others at once. Signature checks run on the {@link dev.ferry.cpu.CpuLane}. Every failure is an
 * {@link IdentityException} whose message is for the log; tokens are never logged, only a SHA-256
 * prefix.
 *
 * <p>The browser login and refresh through the upstream ({@link CallbackConnector}, {@link
 * RefreshConnector}) are {@link OidcLogin}'s, with the same upstream, verifier, userinfo call and
 * claim mapping.
 */
public final class OidcConnector
    implements TokenIdentityConnector, CallbackConnector, RefreshConnector {

  private static final Logger LOG = LoggerFactory.getLogger(OidcConnector.class);

  private final String id;
  private final OidcConfig config;
  private final UpstreamProvider provider;
  private final UserInfo userInfo;
  private final ClaimMapper mapper;
  private final UpstreamHttp http;
  private final int maxTokenBytes;
  private final OidcLogin login;

  OidcConnector(
      String id,
      OidcConfig config,
      UpstreamProvider provider,
      ClaimMapper mapper,
      UserInfo userInfo,
      UpstreamHttp http,
      int maxTokenBytes,
      OidcLogin login) {
    this.id = id;
    this.config = config;
    this.provider = provider;
    this.userInfo = userInfo;
    this.mapper = mapper;
    this.http = http;
    this.maxTokenBytes = maxTokenBytes;
    this.login = login;
  }

  @Override
  public LoginRedirect loginUrl(ConnectorScopes scopes, String callbackUrl, String state)
      throws IdentityException {
    return login.loginUrl(scopes, callbackUrl, state);
  }

  @Override
  public Identity handleCallback(
      ConnectorScopes scopes, byte[] connectorData, Map<String, String> query)
      throws IdentityException {
    return login.handleCallback(scopes, connectorData, query);
  }

  @Override
  public Identity refresh(ConnectorScopes scopes, Identity identity) throws IdentityException {
    return login.refresh(identity);
  }

  @Override
  public VerifiedSubject tokenIdentity(String subjectTokenType, String subjectToken)
      throws IdentityException {
    try {
      return identity(subjectTokenType, subjectToken);
    } catch (IdentityException e) {
      LOG.debug(
          "oidc token rejected: connector_id={} token_sha256={} reason={}",
          id,
          fingerprint(subjectToken),
          e.getMessage());
      throw e;
    }
  }

  private VerifiedSubject identity(String type, String token) throws IdentityException {
    if (token.length() > maxTokenBytes) {
      throw new IdentityException(
          "oidc: subject token is longer than " + maxTokenBytes + " characters");
    }
    if (!type.equals(TokenTypes.ID_TOKEN) && !type.equals(TokenTypes.ACCESS_TOKEN)) {
      throw new IdentityException("unknown token type for token exchange: " + type);
    }
    LazyProvider.Upstream upstream = provider.get();
    Optional<URI> userInfoEndpoint = upstream.metadata().userInfoEndpoint();
    ObjectNode claims;
    SubjectToken metadata;
    if (type.equals(TokenTypes.ID_TOKEN)) {
      claims = upstream.verifier().verify(token);
      metadata = SubjectClaims.jwt(type, claims);
      if (config.getUserInfo()) {
        URI endpoint = userInfoEndpoint.orElseThrow(OidcConnector::noUserInfoEndpoint);
        claims.setAll(userInfo.fetch(endpoint, token, upstream.verifier()));
      }
    } else if (config.getUserInfo() && userInfoEndpoint.isPresent()) {
      claims = userInfo.fetch(userInfoEndpoint.get(), token, upstream.verifier());
      // Only userinfo vouched for the token: its own contents (if any) were never verified.
      metadata = SubjectToken.opaque(type, upstream.metadata().expectedIssuer());
    } else if (isCompactJws(token)) {
      // Ferry, not Dex (#4032): a self-contained access token is checked like an ID token.
      claims = upstream.verifier().verify(token);
      metadata = SubjectClaims.jwt(type, claims);
    } else if (config.getUserInfo()) {
      throw noUserInfoEndpoint();
    } else if (config.pinsKeys()) {
      throw new IdentityException(
          "oidc: an opaque access token cannot be verified: userinfo is unavailable when the"
              + " connector is given its keys (jwks/jwksFile)");
    } else {
      throw new IdentityException("oidc: getUserInfo is required for access token exchange");
    }
    Map<String, Object> verified = SubjectClaims.toMap(claims);
    return new VerifiedSubject(metadata, verified, mapper.map(claims));
  }

  /**
   * The {@code iss} this connector's tokens carry, known without network: {@code issuerAlias} if
   * set, else {@code issuer}. With {@code providerDiscoveryOverrides} the expected issuer is the
   * one discovery found (Dex rebuilds the provider from the document), so it is known only once
   * discovery has succeeded.
   */
  @Override
  public Optional<String> tokenIssuer() {
    if (config.providerDiscoveryOverrides().isEmpty()) {
      return Optional.of(config.configuredIssuer());
    }
    return provider.expectedIssuer();
  }

  /** Why the upstream is not usable yet (discovery has not succeeded), if it is not. */
  public Optional<String> upstreamProblem() {
    return provider.problem();
  }

  /** The connector ID this instance was opened with. */
  public String id() {
    return id;
  }

  @Override
  public void close() {
    http.close();
  }

  private static IdentityException noUserInfoEndpoint() {
    return new IdentityException("oidc: user info endpoint is not supported by this provider");
  }

  private static boolean isCompactJws(String token) {
    return token.chars().filter(c -> c == '.').count() == 2;
  }

  /** The first 12 hex digits of the token's SHA-256: enough to correlate, useless to replay. */
  static String fingerprint(String token) {
    return TokenFingerprint.of(token);
  }
}
