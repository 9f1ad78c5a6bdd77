package dev.ferry.endpoint.introspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSObject;
import dev.ferry.http.CpuWorkers;
import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.OAuthErrorResponse;
import dev.ferry.json.GoJson;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.storage.RefreshToken;
import dev.ferry.storage.Storage;
import dev.ferry.token.RefreshTokenCodec;
import dev.ferry.token.RefreshTokenException;
import dev.ferry.token.RefreshTokens;
import dev.ferry.token.SubjectCodec;
import dev.ferry.token.TokenVerifier;
import dev.ferry.token.VerifiedToken;
import java.text.ParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /token/introspect} (RFC 7662) as Dex serves it (Dex: server/introspection). There is
 * no client authentication. A token that parses as a JWS is introspected as an access token:
 * verified like at {@code /userinfo}, its client found from {@code aud} (one entry) or {@code azp}
 * and looked up in storage, and answered with Dex's member order {@code active, client_id, sub,
 * exp, iat, nbf, username, aud, iss, token_type, token_use, ext}. Anything inactive is {@code 200
 * {"active":false}} with no-cache headers, so an invalid token and an unknown one look alike. A
 * failure of the verifier or of storage is rendered by {@link OAuthErrorResponse#of}: {@code 500
 * server_error} (or {@code 503} when the CPU pool is saturated), never an inactive token.
 *
 * <p>Any other token is a refresh token (Dex: introspectRefreshToken): decoded (a value that is not
 * Dex's encoding is a raw legacy id with no secret) and looked up as the refresh grant looks it up
 * but for no client ({@link RefreshTokens#lookup}); any refusal (unknown, replayed, expired) is
 * inactive. An active one is answered with Dex's members {@code active, client_id, sub, exp, iat,
 * nbf, username, aud, iss, token_type, token_use, ext}: {@code iat} and {@code nbf} are the token's
 * creation, {@code exp} is its creation plus {@code absoluteLifetime} (so, as in Dex, its creation
 * when no absolute lifetime is set), {@code aud} is its client, and {@code ext} carries the stored
 * claims ({@code name} is the stored user name).
 */
public final class IntrospectionEndpoint implements HttpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(IntrospectionEndpoint.class);

  private final String issuerUrl;
  private final TokenVerifier verifier;
  private final Storage storage;
  private final CpuWorkers workers;
  private final RefreshTokens refreshTokens;

  public IntrospectionEndpoint(
      String issuerUrl,
      TokenVerifier verifier,
      Storage storage,
      CpuWorkers workers,
      RefreshTokens refreshTokens) {
    this.issuerUrl = issuerUrl;
    this.verifier = verifier;
    this.storage = storage;
    this.workers = workers;
    this.refreshTokens = refreshTokens;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    try {
      return introspect(request);
    } catch (Exception e) {
      // A storage outage or a bug: Dex answers its internal errors with server_error.
      return OAuthErrorResponse.of(e);
    }
  }

  private HttpResponse introspect(HttpRequest request) throws Exception {
    if (!request.method().equals("POST")) {
      return badRequest("HTTP method is \"" + request.method() + "\", expected \"POST\".");
    }
    Form form;
    try {
      form = request.postForm();
    } catch (FormException e) {
      return badRequest(
          "Unable to parse HTTP body, make sure to send a properly formatted form request body.");
    }
    if (form.isEmpty()) {
      return badRequest("The POST body can not be empty.");
    }
    if (!form.has("token")) {
      return badRequest("The POST body doesn't contain 'token' parameter.");
    }
    String token = form.get("token");
    boolean jwt = looksLikeJwt(token);
    String hint = form.get("token_type_hint");
    String guessed = jwt ? "access_token" : "refresh_token";
    if (!hint.isEmpty() && !hint.equals(guessed)) {
      log.atWarn()
          .setMessage("token type hint doesn't match token type")
          .addKeyValue("request_token_type", hint)
          .addKeyValue("token_type", guessed)
          .log();
    }
    if (!jwt) {
      return introspectRefreshToken(token);
    }
    Optional<VerifiedToken> verified = workers.call(() -> verifier.verify(token));
    if (verified.isEmpty()) {
      return inactive();
    }
    try {
      return active(GoJson.mapper().readTree(verified.get().payloadJson()));
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      log.atError().setMessage("error while introspecting token").setCause(e).log();
      return OAuthErrorResponse.render(OAuthError.SERVER_ERROR);
    }
  }

  /**
   * Dex: introspectRefreshToken. A refusal is inactive; a {@link
   * dev.ferry.storage.StorageException} propagates to {@link #handle}, a server error as for access
   * tokens.
   */
  private HttpResponse introspectRefreshToken(String value) {
    RefreshTokenCodec.Value presented =
        RefreshTokenCodec.decode(value).orElseGet(() -> new RefreshTokenCodec.Value(value, ""));
    RefreshToken refresh;
    try {
      refresh = refreshTokens.lookup(null, presented);
    } catch (RefreshTokenException e) {
      return inactive();
    }
    Claims claims = refresh.claims();
    long created = refresh.createdAt().getEpochSecond();
    ObjectNode out = GoJson.mapper().createObjectNode();
    out.put("active", true);
    out.put("client_id", refresh.clientId());
    out.put("sub", SubjectCodec.encode(claims.userId(), refresh.connectorId()));
    out.put(
        "exp",
        refresh.createdAt().plus(refreshTokens.policy().absoluteLifetime()).getEpochSecond());
    out.put("iat", created);
    out.put("nbf", created);
    if (!claims.preferredUsername().isEmpty()) {
      out.put("username", claims.preferredUsername());
    }
    out.put("aud", refresh.clientId());
    out.put("iss", issuerUrl);
    out.put("token_type", "Bearer");
    out.put("token_use", "refresh_token");
    ObjectNode ext = out.putObject("ext");
    putIfNotEmpty(ext, "email", claims.email());
    ext.put("email_verified", claims.emailVerified());
    if (!claims.groups().isEmpty()) {
      ext.set("groups", GoJson.mapper().valueToTree(claims.groups()));
    }
    putIfNotEmpty(ext, "name", claims.username());
    putIfNotEmpty(ext, "preferred_username", claims.preferredUsername());
    return HttpResponse.json(200, GoJson.compact(out));
  }

  private static void putIfNotEmpty(ObjectNode to, String name, String value) {
    if (!value.isEmpty()) {
      to.put(name, value);
    }
  }

  /** Dex guesses the type by parsing without any check: a JWS is an access token. */
  private static boolean looksLikeJwt(String token) {
    try {
      JWSObject jws = JWSObject.parse(token);
      return jws.getPayload().toJSONObject() != null;
    } catch (ParseException e) {
      return false;
    }
  }

  private HttpResponse active(JsonNode claims) {
    JsonNode aud = claims.path("aud");
    String clientId;
    if (aud.isTextual()) {
      clientId = aud.asText();
    } else if (aud.isArray() && aud.size() == 1) {
      clientId = aud.get(0).asText();
    } else if (aud.isArray() && aud.size() > 1) {
      clientId = claims.path("azp").asText("");
    } else {
      log.error("error while fetching client_id from token: no audience is set");
      return OAuthErrorResponse.render(OAuthError.SERVER_ERROR);
    }
    Optional<Client> client = storage.clients().get(clientId);
    if (client.isEmpty()) {
      log.atError()
          .setMessage("error while fetching client from storage")
          .addKeyValue("client_id", clientId)
          .log();
      return OAuthErrorResponse.render(OAuthError.SERVER_ERROR);
    }
    ObjectNode out = GoJson.mapper().createObjectNode();
    out.put("active", true);
    out.put("client_id", client.get().id());
    out.put("sub", claims.path("sub").asText(""));
    out.put("exp", claims.path("exp").asLong());
    out.put("iat", claims.path("iat").asLong());
    out.put("nbf", claims.path("iat").asLong());
    String preferred = claims.path("preferred_username").asText("");
    if (!preferred.isEmpty()) {
      out.put("username", preferred);
    }
    out.set("aud", aud.isArray() && aud.size() == 1 ? aud.get(0) : aud);
    out.put("iss", issuerUrl);
    out.put("token_type", "Bearer");
    out.put("token_use", "access_token");
    ObjectNode ext = out.putObject("ext");
    copyString(claims, ext, "azp");
    copyString(claims, ext, "email");
    if (claims.path("email_verified").isBoolean()) {
      ext.set("email_verified", claims.get("email_verified"));
    }
    if (claims.path("groups").isArray() && !claims.path("groups").isEmpty()) {
      ext.set("groups", claims.get("groups"));
    }
    copyString(claims, ext, "name");
    copyString(claims, ext, "preferred_username");
    if (claims.path("federated_claims").isObject()) {
      ObjectNode federated = ext.putObject("federated_claims");
      copyString(claims.get("federated_claims"), federated, "connector_id");
      copyString(claims.get("federated_claims"), federated, "user_id");
    }
    return HttpResponse.json(200, GoJson.compact(out));
  }

  private static void copyString(JsonNode from, ObjectNode to, String name) {
    String value = from.path(name).asText("");
    if (from.path(name).isTextual() && !value.isEmpty()) {
      to.put(name, value);
    }
  }

  /** Dex writes it with json.Encoder: a trailing newline, and the cache headers of RFC 7662. */
  private static HttpResponse inactive() {
    return HttpResponse.json(
            200, "{\"active\":false}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .withHeader("Cache-Control", "no-store")
        .withHeader("Pragma", "no-cache");
  }

  private static HttpResponse badRequest(String description) {
    return OAuthErrorResponse.render(OAuthError.INVALID_REQUEST, description);
  }
}
