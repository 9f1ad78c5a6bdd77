package dev.ferry.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The login side of an {@link UpstreamIssuer}: an OAuth 2.0 authorization server that approves
 * every login at once, for tests of Ferry's {@code oidc} connector and for end-to-end browser and
 * client-library tests through Ferry.
 *
 * <ul>
 *   <li>{@code GET <issuer>/authorize}: checks {@code client_id} and {@code response_type=code},
 *       then redirects (302) to {@code redirect_uri} with a fresh {@code code} and the {@code
 *       state}; or, after {@link #refuseNextLogin}, with that {@code error}. Records the query
 *       ({@link #lastAuthorizeQuery}).
 *   <li>{@code POST <issuer>/token}: client authentication by HTTP Basic or form ({@link
 *       #clientAuth}), {@code authorization_code} (single use, {@code redirect_uri} match, PKCE
 *       S256/plain when the login sent a challenge) and {@code refresh_token} (rotated on every use
 *       unless {@link #rotateRefreshTokens} is off; a rotated token is refused). Answers an opaque
 *       access token (userinfo answers it with the user's claims), a refresh token, and an ID token
 *       for the client ({@code aud} = client id) with the user's claims.
 * </ul>
 *
 * <p>Faults: {@link UpstreamIssuer#fault} on {@link #TOKEN} or {@link #AUTHORIZE}.
 */
public final class UpstreamLogin {

  public static final String AUTHORIZE = "/authorize";
  public static final String TOKEN = "/token";

  /** How the token endpoint accepts client credentials. */
  public enum ClientAuth {
    /** HTTP Basic or the form. */
    ANY,
    /** HTTP Basic only (the form's client_secret is refused). */
    BASIC_ONLY,
    /** The form only (an Authorization header is refused), as Okta once did. */
    POST_ONLY
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one issued code remembers. */
  private record Grant(
      String clientId,
      String redirectUri,
      String scope,
      @Nullable String challenge,
      @Nullable String challengeMethod) {}

  private final UpstreamIssuer issuer;
  private final Map<String, String> clients = new ConcurrentHashMap<>();
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private volatile Map<String, Object> user = defaultUser();
  private volatile ClientAuth clientAuth = ClientAuth.ANY;
  private volatile boolean rotate = true;
  private volatile boolean idTokenOnRefresh = true;
  private volatile UnaryOperator<UpstreamToken> idTokenChanges = UnaryOperator.identity();
  private volatile @Nullable String nextLoginError;
  private volatile Map<String, String> lastAuthorizeQuery = Map.of();
  private volatile Map<String, String> lastTokenForm = Map.of();
  private volatile @Nullable String lastTokenAuthorization;

  UpstreamLogin(UpstreamIssuer issuer) {
    this.issuer = issuer;
  }

  private static Map<String, Object> defaultUser() {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("sub", "upstream-user-1");
    user.put("name", "Upstream User");
    user.put("preferred_username", "upstream");
    user.put("email", "user@upstream.example");
    user.put("email_verified", true);
    user.put("groups", List.of("upstream-admins"));
    return user;
  }

  // ---- set-up

  /** Registers a client the endpoints accept. */
  public UpstreamLogin client(String clientId, String clientSecret) {
    clients.put(clientId, clientSecret);
    return this;
  }

  /** The claims of the user every login logs in (ID token and userinfo). */
  public UpstreamLogin user(Map<String, ?> claims) {
    this.user = new LinkedHashMap<>(claims);
    return this;
  }

  public UpstreamLogin clientAuth(ClientAuth auth) {
    this.clientAuth = auth;
    return this;
  }

  /** Whether a refresh returns a new refresh token and retires the old one (default true). */
  public UpstreamLogin rotateRefreshTokens(boolean rotate) {
    this.rotate = rotate;
    return this;
  }

  /** Whether a refresh answers an ID token too (default true). */
  public UpstreamLogin idTokenOnRefresh(boolean include) {
    this.idTokenOnRefresh = include;
    return this;
  }

  /** Changes every ID token the token endpoint issues from now on (wrong aud, expired...). */
  public UpstreamLogin idTokens(UnaryOperator<UpstreamToken> changes) {
    this.idTokenChanges = changes;
    return this;
  }

  /** The next {@code /authorize} redirects back with this {@code error} instead of a code. */
  public UpstreamLogin refuseNextLogin(String error) {
    this.nextLoginError = error;
    return this;
  }

  /** Forgets every issued refresh token, as an upstream that revoked the session. */
  public void revokeRefreshTokens() {
    refreshTokens.clear();
  }

  // ---- observation

  /** The query of the last {@code /authorize} request, first value of each parameter. */
  public Map<String, String> lastAuthorizeQuery() {
    return lastAuthorizeQuery;
  }

  /** The form of the last {@code /token} request, first value of each parameter. */
  public Map<String, String> lastTokenForm() {
    return lastTokenForm;
  }

  /** The {@code Authorization} header of the last {@code /token} request. */
  public Optional<String> lastTokenAuthorization() {
    return Optional.ofNullable(lastTokenAuthorization);
  }

  /** The refresh tokens that would be accepted now. */
  public int liveRefreshTokens() {
    return refreshTokens.size();
  }

  // ---- HTTP

  boolean handles(String relativePath) {
    return relativePath.equals(AUTHORIZE) || relativePath.equals(TOKEN);
  }

  void handle(HttpExchange exchange, String relativePath) throws IOException {
    if (relativePath.equals(AUTHORIZE)) {
      authorize(exchange);
    } else {
      token(exchange);
    }
  }

  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
    lastAuthorizeQuery = Map.copyOf(query);
    String clientId = query.getOrDefault("client_id", "");
    String redirectUri = query.getOrDefault("redirect_uri", "");
    if (!clients.containsKey(clientId) || redirectUri.isEmpty()) {
      send(exchange, 400, "text/plain", "unknown client or no redirect_uri");
      return;
    }
    String state = query.getOrDefault("state", "");
    Map<String, String> back = new LinkedHashMap<>();
    String error = nextLoginError;
    if (error != null) {
      nextLoginError = null;
      back.put("error", error);
      back.put("error_description", "the upstream refused the login");
    } else if (!"code".equals(query.get("response_type"))) {
      back.put("error", "unsupported_response_type");
    } else {
      String code = "code-" + UUID.randomUUID();
      codes.put(
          code,
          new Grant(
              clientId,
              redirectUri,
              query.getOrDefault("scope", ""),
              query.get("code_challenge"),
              query.get("code_challenge_method")));
      back.put("code", code);
    }
    if (!state.isEmpty()) {
      back.put("state", state);
    }
    exchange
        .getResponseHeaders()
        .set("Location", redirectUri + (redirectUri.contains("?") ? "&" : "?") + encode(back));
    exchange.sendResponseHeaders(302, -1);
  }

  private void token(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      error(exchange, 405, "invalid_request");
      return;
    }
    Map<String, String> form =
        parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    lastTokenForm = Map.copyOf(form);
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    lastTokenAuthorization = authorization;
    Optional<String> clientId = authenticate(authorization, form);
    if (clientId.isEmpty()) {
      error(exchange, 401, "invalid_client");
      return;
    }
    switch (form.getOrDefault("grant_type", "")) {
      case "authorization_code" -> redeemCode(exchange, clientId.get(), form);
      case "refresh_token" -> refresh(exchange, clientId.get(), form);
      default -> error(exchange, 400, "unsupported_grant_type");
    }
  }

  private Optional<String> authenticate(@Nullable String authorization, Map<String, String> form) {
    String id;
    String secret;
    if (authorization != null) {
      if (clientAuth == ClientAuth.POST_ONLY || !authorization.startsWith("Basic ")) {
        return Optional.empty();
      }
      String pair;
      try {
        pair =
            new String(
                Base64.getDecoder().decode(authorization.substring("Basic ".length())),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      int colon = pair.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
      secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
    } else {
      if (clientAuth == ClientAuth.BASIC_ONLY) {
        return Optional.empty();
      }
      id = form.getOrDefault("client_id", "");
      secret = form.getOrDefault("client_secret", "");
    }
    String expected = clients.get(id);
    return expected != null && MessageDigest.isEqual(bytes(expected), bytes(secret))
        ? Optional.of(id)
        : Optional.empty();
  }

  private void redeemCode(HttpExchange exchange, String clientId, Map<String, String> form)
      throws IOException {
    Grant grant = codes.remove(form.getOrDefault("code", ""));
    if (grant == null
        || !grant.clientId().equals(clientId)
        || !grant.redirectUri().equals(form.getOrDefault("redirect_uri", ""))
        || !pkceMatches(grant, form.get("code_verifier"))) {
      error(exchange, 400, "invalid_grant");
      return;
    }
    String refreshToken = "refresh-" + UUID.randomUUID();
    refreshTokens.put(refreshToken, clientId);
    tokens(exchange, clientId, Optional.of(refreshToken), true);
  }

  private void refresh(HttpExchange exchange, String clientId, Map<String, String> form)
      throws IOException {
    String presented = form.getOrDefault("refresh_token", "");
    String owner = refreshTokens.get(presented);
    if (owner == null || !owner.equals(clientId)) {
      error(exchange, 400, "invalid_grant");
      return;
    }
    Optional<String> next = Optional.empty();
    if (rotate) {
      refreshTokens.remove(presented);
      String fresh = "refresh-" + UUID.randomUUID();
      refreshTokens.put(fresh, clientId);
      next = Optional.of(fresh);
    }
    tokens(exchange, clientId, next, idTokenOnRefresh);
  }

  private static boolean pkceMatches(Grant grant, @Nullable String verifier) {
    String challenge = grant.challenge();
    if (challenge == null) {
      return verifier == null;
    }
    if (verifier == null) {
      return false;
    }
    String expected = "S256".equals(grant.challengeMethod()) ? s256(verifier) : verifier;
    return MessageDigest.isEqual(bytes(expected), bytes(challenge));
  }

  private void tokens(
      HttpExchange exchange, String clientId, Optional<String> refreshToken, boolean withIdToken)
      throws IOException {
    Map<String, Object> claims = user;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", issuer.opaqueAccessToken(claims));
    body.put("token_type", "Bearer");
    body.put("expires_in", 3600);
    refreshToken.ifPresent(token -> body.put("refresh_token", token));
    if (withIdToken) {
      UpstreamToken idToken = issuer.token().claims(claims).audience(clientId);
      body.put("id_token", idTokenChanges.apply(idToken).build());
    }
    send(exchange, 200, "application/json", json(body));
  }

  private static void error(HttpExchange exchange, int status, String error) throws IOException {
    send(exchange, status, "application/json", "{\"error\":\"" + error + "\"}");
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Query or form parameters, first value of each. */
  public static Map<String, String> parse(@Nullable String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      values.putIfAbsent(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return values;
  }

  private static String encode(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    values.forEach((k, v) -> {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    });
    return out.toString();
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
