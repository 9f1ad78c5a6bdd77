package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.CallbackConnector.LoginRedirect;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.GoQuery;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser login and refresh of an {@code oidc} connector (Dex: connector/oidc/oidc.go LoginURL,
 * HandleCallback, Refresh, createIdentity).
 *
 * <p>The authorization URL is the upstream's {@code authorization_endpoint} (or {@code
 * providerDiscoveryOverrides.authURL}) with, sorted as Go encodes them: {@code client_id}, {@code
 * redirect_uri} ({@code redirectURI}, which must be Ferry's callback URL exactly), {@code
 * response_type=code}, {@code scope} ({@code openid} and {@code scopes}, default {@code profile
 * email}), {@code state}; {@code acr_values} when configured; when the login asked for {@code
 * offline_access}, {@code access_type=offline} and {@code prompt} ({@code promptType}, default
 * {@code consent}; Dex adds no {@code offline_access} scope itself, it must be in {@code scopes}
 * for providers that want it); and PKCE when {@code pkceChallenge} names a method, or, unset, when
 * discovery advertises S256 (preferred) or plain.
 *
 * <p>The callback: an {@code error} parameter fails the login with the upstream's error; the code
 * is redeemed at the token endpoint ({@link TokenEndpoint}); the response's {@code id_token} is
 * required and verified as every upstream token is ({@link UpstreamTokenVerifier}: signature,
 * {@code iss}, {@code exp}, {@code nbf}) and, as go-oidc does for Dex's login, its {@code aud} must
 * contain {@code clientID}. With {@code getUserInfo}, userinfo is called with the access token and
 * its claims overwrite the token's. The claims are mapped by the same {@link ClaimMapper} as token
 * exchange. The identity's connector data keeps the upstream refresh token.
 *
 * <p>Refresh redeems that refresh token; the answer's {@code id_token}, if any, is verified as
 * above; without one, claims come from userinfo ({@code getUserInfo}) or the refresh fails as Dex's
 * does ({@code missing "sub" claim}). An upstream that sends no new refresh token leaves the old
 * one in place (x/oauth2); a new one replaces it.
 */
final class OidcLogin {

  private static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);

  static final String S256 = "S256";
  static final String PLAIN = "plain";

  private final String connectorId;
  private final OidcConfig config;
  private final UpstreamProvider provider;
  private final TokenEndpoint tokenEndpoint;
  private final UserInfo userInfo;
  private final ClaimMapper mapper;
  private final SecureRandom random;
  private final int maxTokenBytes;

  OidcLogin(
      String connectorId,
      OidcConfig config,
      UpstreamProvider provider,
      TokenEndpoint tokenEndpoint,
      UserInfo userInfo,
      ClaimMapper mapper,
      SecureRandom random,
      int maxTokenBytes) {
    this.connectorId = connectorId;
    this.config = config;
    this.provider = provider;
    this.tokenEndpoint = tokenEndpoint;
    this.userInfo = userInfo;
    this.mapper = mapper;
    this.random = random;
    this.maxTokenBytes = maxTokenBytes;
  }

  LoginRedirect loginUrl(ConnectorScopes scopes, String callbackUrl, String state)
      throws IdentityException {
    if (!config.redirectUri().equals(callbackUrl)) {
      throw new IdentityException(
          "expected callback URL \""
              + callbackUrl
              + "\" did not match the URL in the config \""
              + config.redirectUri()
              + "\"");
    }
    ProviderMetadata metadata = provider.get().metadata();
    URI authorization =
        metadata
            .authorizationEndpoint()
            .orElseThrow(() ->
                new IdentityException(
                    "oidc: the upstream has no usable authorization_endpoint"
                        + (config.pinsKeys()
                            ? " (the connector is given its keys and discovers nothing)"
                            : "")));
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", config.clientId());
    if (!config.redirectUri().isEmpty()) {
      query.put("redirect_uri", config.redirectUri());
    }
    query.put("scope", String.join(" ", config.effectiveScopes()));
    if (!state.isEmpty()) {
      query.put("state", state);
    }
    if (!config.acrValues().isEmpty()) {
      query.put("acr_values", String.join(" ", config.acrValues()));
    }
    if (scopes.offlineAccess()) {
      query.put("access_type", "offline");
      query.put("prompt", config.promptType() == null ? "consent" : config.promptType());
    }
    byte[] connectorData = new byte[0];
    Optional<String> method = pkceMethod(metadata);
    if (method.isPresent()) {
      String verifier = newVerifier();
      query.put("code_challenge_method", method.get());
      query.put("code_challenge", method.get().equals(S256) ? s256(verifier) : verifier);
      connectorData = LoginData.pkce(verifier, method.get());
    }
    String base = authorization.toString();
    return new LoginRedirect(
        base + (base.contains("?") ? "&" : "?") + GoQuery.encode(query), connectorData);
  }

  Identity handleCallback(ConnectorScopes scopes, byte[] connectorData, Map<String, String> query)
      throws IdentityException {
    String error = query.getOrDefault("error", "");
    if (!error.isEmpty()) {
      String description = query.getOrDefault("error_description", "");
      throw new IdentityException(description.isEmpty() ? error : error + ": " + description);
    }
    String code = query.getOrDefault("code", "");
    if (code.isEmpty()) {
      // Dex would send the empty code upstream to be refused; Ferry spares the upstream.
      throw new IdentityException("oidc: the callback carries no code");
    }
    LazyProvider.Upstream upstream = provider.get();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    if (!config.redirectUri().isEmpty()) {
      form.put("redirect_uri", config.redirectUri());
    }
    if (pkceMethod(upstream.metadata()).isPresent()) {
      form.put("code_verifier", LoginData.readPkce(connectorData).verifier());
    }
    TokenEndpoint.Tokens tokens;
    try {
      tokens = tokenEndpoint.request(tokenUri(upstream), form);
    } catch (IdentityException e) {
      throw new IdentityException("oidc: failed to get token: " + e.getMessage(), e);
    }
    String idToken =
        tokens
            .idToken()
            .orElseThrow(() -> new IdentityException("oidc: no id_token in token response"));
    return identity(upstream, tokens, Optional.of(idToken));
  }

  Identity refresh(Identity identity) throws IdentityException {
    String refreshToken = LoginData.readRefreshToken(identity.connectorData());
    if (refreshToken.isEmpty()) {
      throw new IdentityException(
          "oidc: failed to get refresh token: oauth2: token expired and refresh token is not set");
    }
    LazyProvider.Upstream upstream = provider.get();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    TokenEndpoint.Tokens tokens;
    try {
      tokens = tokenEndpoint.request(tokenUri(upstream), form);
    } catch (IdentityException e) {
      throw new IdentityException("oidc: failed to get refresh token: " + e.getMessage(), e);
    }
    if (tokens.refreshToken().isEmpty()) {
      // x/oauth2 keeps the refresh token when the upstream does not rotate it.
      tokens = new TokenEndpoint.Tokens(tokens.accessToken(), refreshToken, tokens.idToken());
    }
    return identity(upstream, tokens, tokens.idToken());
  }

  private Identity identity(
      LazyProvider.Upstream upstream, TokenEndpoint.Tokens tokens, Optional<String> idToken)
      throws IdentityException {
    ObjectNode claims;
    if (idToken.isPresent()) {
      claims = verifyIdToken(upstream, idToken.get());
    } else {
      claims = JsonNodeFactory.instance.objectNode();
    }
    if (config.getUserInfo()) {
      URI endpoint =
          upstream
              .metadata()
              .userInfoEndpoint()
              .orElseThrow(() ->
                  new IdentityException(
                      "oidc: user info endpoint is not supported by this provider"));
      claims.setAll(userInfo.fetch(endpoint, tokens.accessToken(), upstream.verifier()));
    }
    Identity mapped = mapper.map(claims);
    return new Identity(
        mapped.userId(),
        mapped.username(),
        mapped.preferredUsername(),
        mapped.email(),
        mapped.emailVerified(),
        mapped.groups(),
        LoginData.refreshToken(tokens.refreshToken()));
  }

  /** The upstream's checks for every token, plus the audience check Dex's login verifier makes. */
  private ObjectNode verifyIdToken(LazyProvider.Upstream upstream, String idToken)
      throws IdentityException {
    if (idToken.length() > maxTokenBytes) {
      throw new IdentityException(
          "oidc: failed to verify ID Token: longer than " + maxTokenBytes + " characters");
    }
    ObjectNode claims;
    try {
      claims = upstream.verifier().verify(idToken);
    } catch (IdentityException e) {
      throw new IdentityException("oidc: failed to verify ID Token: " + e.getMessage(), e);
    }
    if (config.clientId().isEmpty()) {
      throw new IdentityException(
          "oidc: failed to verify ID Token: invalid configuration, clientID must be provided");
    }
    List<String> audience = audience(claims.get("aud"));
    if (!audience.contains(config.clientId())) {
      throw new IdentityException(
          "oidc: failed to verify ID Token: expected audience \""
              + config.clientId()
              + "\" got "
              + audience);
    }
    return claims;
  }

  private static List<String> audience(JsonNode aud) {
    List<String> values = new ArrayList<>();
    if (aud == null) {
      return values;
    }
    if (aud.isTextual()) {
      values.add(aud.asText());
    } else if (aud.isArray()) {
      aud.forEach(value -> {
        if (value.isTextual()) {
          values.add(value.asText());
        }
      });
    }
    return values;
  }

  private URI tokenUri(LazyProvider.Upstream upstream) throws IdentityException {
    return upstream
        .metadata()
        .tokenEndpoint()
        .orElseThrow(
            () -> new IdentityException("oidc: the upstream has no usable token_endpoint"));
  }

  /**
   * Dex's PKCE rule: the configured method, even one discovery does not advertise (Dex warns);
   * unset, S256 if advertised, else plain if advertised, else none.
   */
  private Optional<String> pkceMethod(ProviderMetadata metadata) {
    String configured = config.pkceChallenge();
    if (!configured.isEmpty()) {
      if (!metadata.codeChallengeMethods().contains(configured)) {
        LOG.debug(
            "provided PKCEChallenge method not advertised by the upstream: connector_id={}",
            connectorId);
      }
      return Optional.of(configured);
    }
    if (metadata.codeChallengeMethods().contains(S256)) {
      return Optional.of(S256);
    }
    if (metadata.codeChallengeMethods().contains(PLAIN)) {
      return Optional.of(PLAIN);
    }
    return Optional.empty();
  }

  /** 32 random bytes, base64url without padding: x/oauth2's GenerateVerifier. */
  private String newVerifier() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
