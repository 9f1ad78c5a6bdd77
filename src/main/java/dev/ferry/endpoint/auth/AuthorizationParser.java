package dev.ferry.endpoint.auth;

import dev.ferry.cpu.CpuLane;
import dev.ferry.http.Form;
import dev.ferry.oauth2.GoQuote;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Claims;
import dev.ferry.storage.Client;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.Pkce;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.token.TokenIssuer;
import dev.ferry.token.TokenVerifier;
import dev.ferry.token.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses and validates an authorization request into an unsaved {@link AuthRequest}, with Dex's
 * checks, order and texts (Dex: server/authflow/request.go parseAuthorizationRequest). Until the
 * client and its {@code redirect_uri} check out, an error is shown ({@link FlowException.Shown});
 * after, it goes back to the client ({@link FlowException.Redirected}).
 *
 * <p>{@code id_token_hint} is verified as Dex verifies it (Ferry's signature and issuer; expiry and
 * audience not checked, OIDC Core §3.1.2.1) and a bad one is refused; with sessions off, as here,
 * Dex uses the hint's subject for nothing else, and neither does Ferry.
 */
final class AuthorizationParser {
  private static final Logger log = LoggerFactory.getLogger(AuthorizationParser.class);
  private static final Pattern GO_INT = Pattern.compile("[+-]?[0-9]+");

  private final Storage storage;
  private final TokenIssuer issuer;
  private final TokenVerifier verifier;
  private final CpuLane cpu;
  private final IdGenerator ids;
  private final AuthSettings settings;

  AuthorizationParser(
      Storage storage,
      TokenIssuer issuer,
      TokenVerifier verifier,
      CpuLane cpu,
      IdGenerator ids,
      AuthSettings settings) {
    this.storage = storage;
    this.issuer = issuer;
    this.verifier = verifier;
    this.cpu = cpu;
    this.ids = ids;
    this.settings = settings;
  }

  /**
   * The request, not yet stored: no connector, no expiry (set when {@code /auth/{connector}} stores
   * it).
   */
  AuthRequest parse(Form q) {
    String redirectUri = q.get("redirect_uri");
    String clientId = q.get("client_id");
    String state = q.get("state");
    String nonce = q.get("nonce");
    String connectorId = q.get("connector_id");
    List<String> scopes = RequestLimits.distinct(Scopes.parse(q.get("scope")));
    List<String> responseTypes = Scopes.parse(q.get("response_type"));
    String codeChallenge = q.get("code_challenge");
    String codeChallengeMethod = q.get("code_challenge_method");
    if (codeChallengeMethod.isEmpty()) {
      codeChallengeMethod = "plain";
    }

    Client client = client(clientId, 404, "Invalid client_id.");
    if (!RedirectUris.allowed(client, redirectUri)) {
      log.atError()
          .setMessage("unregistered redirect_uri")
          .addKeyValue("redirect_uri", redirectUri)
          .addKeyValue("client_id", clientId)
          .log();
      throw new FlowException.Shown(400, "Unregistered redirect_uri.");
    }
    if (redirectUri.equals(RedirectUris.DEVICE_CALLBACK) && client.publicClient()) {
      redirectUri = settings.absPath(RedirectUris.DEVICE_CALLBACK);
    }
    String to = redirectUri;
    // From here on, errors go back to the client.
    if (!connectorId.isEmpty()) {
      List<dev.ferry.storage.Connector> connectors;
      try {
        connectors = storage.connectors().list();
      } catch (StorageException e) {
        log.atError().setMessage("failed to list connectors").setCause(e).log();
        throw redirected(to, state, OAuthError.SERVER_ERROR, "Unable to retrieve connectors");
      }
      if (connectors.stream().noneMatch(c -> c.id().equals(connectorId))) {
        throw redirected(to, state, OAuthError.INVALID_REQUEST, "Invalid ConnectorID");
      }
      if (!allows(client.allowedConnectors(), connectorId)) {
        throw redirected(
            to, state, OAuthError.INVALID_REQUEST, "Connector not allowed for this client");
      }
    }
    // OpenID Connect Core §6.1: request objects are not supported.
    if (!q.get("request").isEmpty()) {
      throw redirected(
          to,
          state,
          OAuthError.REQUEST_NOT_SUPPORTED,
          "Server does not support request parameter.");
    }
    if (!codeChallenge.isEmpty() && !settings.pkceMethods().contains(codeChallengeMethod)) {
      throw redirected(
          to,
          state,
          OAuthError.INVALID_REQUEST,
          "Unsupported PKCE challenge method (" + GoQuote.quote(codeChallengeMethod) + ").");
    }
    if (settings.pkceEnforce() && codeChallenge.isEmpty()) {
      throw redirected(
          to,
          state,
          OAuthError.INVALID_REQUEST,
          "PKCE is required. The code_challenge parameter must be provided.");
    }
    if (scopes.size() > RequestLimits.MAX_SCOPES) {
      // Before the cross-client checks, each of which looks a client up.
      throw redirected(
          to,
          state,
          OAuthError.INVALID_SCOPE,
          "Too many scopes requested (at most " + RequestLimits.MAX_SCOPES + ").");
    }
    checkScopes(to, state, clientId, scopes);
    checkResponseTypes(to, state, responseTypes, nonce);

    Prompt prompt;
    try {
      prompt = Prompt.parse(q.get("prompt"));
    } catch (IllegalArgumentException e) {
      throw redirected(
          to, state, OAuthError.INVALID_REQUEST, "Invalid prompt parameter: " + e.getMessage());
    }
    int maxAge = maxAge(to, state, q.get("max_age"));
    boolean forceApproval = q.get("approval_prompt").equals("force") || prompt.consent();
    String hint = q.get("id_token_hint");
    if (!hint.isEmpty() && !hintVerifies(hint)) {
      throw redirected(to, state, OAuthError.INVALID_REQUEST, "Invalid id_token_hint.");
    }
    return new AuthRequest(
        ids.newId(),
        client.id(),
        responseTypes,
        scopes,
        redirectUri,
        nonce,
        state,
        forceApproval,
        Instant.EPOCH,
        false,
        Claims.EMPTY,
        "",
        new byte[0],
        new Pkce(codeChallenge, codeChallengeMethod),
        // Dex: storage.NewHMACKey(crypto.SHA256), 32 random bytes in NewID's text form, which is
        // the form of a device code.
        ids.newDeviceCode().getBytes(StandardCharsets.US_ASCII),
        prompt.toString(),
        maxAge,
        null,
        false,
        new byte[0]);
  }

  /**
   * Ferry keeps no login sessions (Dex's sessions feature off), so a login under {@code
   * prompt=none} can never be silent: it is refused as Dex refuses it when its sessions feature
   * finds no session, before any page is shown (Dex: server/authflow/login.go
   * handleConnectorLogin). Dex with sessions off shows the login anyway, which OpenID Connect Core
   * §3.1.2.1 forbids.
   */
  static void refuseSilentLogin(AuthRequest authRequest) {
    Prompt prompt;
    try {
      prompt = Prompt.parse(authRequest.prompt());
    } catch (IllegalArgumentException e) {
      return; // parse refused it already
    }
    if (prompt.none()) {
      throw redirected(
          authRequest.redirectUri(),
          authRequest.state(),
          OAuthError.LOGIN_REQUIRED,
          "User not authenticated");
    }
  }

  /** The client, or the error page Dex shows ({@code notFoundStatus} differs between callers). */
  Client client(String clientId, int notFoundStatus, String notFoundMessage) {
    try {
      return storage
          .clients()
          .get(clientId)
          .orElseThrow(() -> {
            log.atError()
                .setMessage("invalid client_id provided")
                .addKeyValue("client_id", clientId)
                .log();
            return new FlowException.Shown(notFoundStatus, notFoundMessage);
          });
    } catch (StorageException e) {
      log.atError()
          .setMessage("failed to get client")
          .addKeyValue("client_id", clientId)
          .setCause(e)
          .log();
      throw new FlowException.Shown(500, "Database error.");
    }
  }

  private void checkScopes(String to, String state, String clientId, List<String> scopes) {
    List<String> unrecognized = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    boolean openid = false;
    for (String scope : scopes) {
      switch (scope) {
        case Scopes.OPENID -> openid = true;
        case Scopes.OFFLINE_ACCESS,
            Scopes.EMAIL,
            Scopes.PROFILE,
            Scopes.GROUPS,
            Scopes.FEDERATED_ID -> {
          // known
        }
        default -> {
          if (!scope.startsWith(Scopes.CROSS_CLIENT_PREFIX)) {
            unrecognized.add(scope);
            continue;
          }
          boolean trusted;
          try {
            trusted =
                issuer.acceptsPeer(scope.substring(Scopes.CROSS_CLIENT_PREFIX.length()), clientId);
          } catch (StorageException e) {
            log.atError().setMessage("failed to check cross-client trust").setCause(e).log();
            throw redirected(to, state, OAuthError.SERVER_ERROR, "Internal server error.");
          }
          if (!trusted) {
            invalid.add(scope);
          }
        }
      }
    }
    if (!openid) {
      throw redirected(
          to, state, OAuthError.INVALID_SCOPE, "Missing required scope(s) [\"openid\"].");
    }
    if (!unrecognized.isEmpty()) {
      throw redirected(
          to,
          state,
          OAuthError.INVALID_SCOPE,
          "Unrecognized scope(s) " + GoQuote.list(unrecognized));
    }
    if (!invalid.isEmpty()) {
      throw redirected(
          to,
          state,
          OAuthError.INVALID_SCOPE,
          "Client can't request scope(s) " + GoQuote.list(invalid));
    }
  }

  private void checkResponseTypes(
      String to, String state, List<String> responseTypes, String nonce) {
    boolean code = false;
    boolean idToken = false;
    boolean token = false;
    for (String type : responseTypes) {
      switch (type) {
        case "code" -> code = true;
        case "id_token" -> idToken = true;
        case "token" -> token = true;
        default ->
            throw redirected(
                to,
                state,
                OAuthError.INVALID_REQUEST,
                "Invalid response type " + GoQuote.quote(type));
      }
      if (!settings.responseTypes().contains(type)) {
        throw redirected(
            to,
            state,
            OAuthError.UNSUPPORTED_RESPONSE_TYPE,
            "Unsupported response type " + GoQuote.quote(type));
      }
    }
    if (responseTypes.isEmpty()) {
      throw redirected(to, state, OAuthError.INVALID_REQUEST, "No response_type provided");
    }
    // OpenID Connect Core §3: "token" alone is not an OpenID Connect response type.
    if (token && !code && !idToken) {
      throw redirected(
          to,
          state,
          OAuthError.INVALID_REQUEST,
          "Response type 'token' must be provided with type 'id_token' and/or 'code'");
    }
    // The implicit flow ("id_token", "id_token token") requires a nonce (OIDC Core §3.2.2.1).
    if (!code && nonce.isEmpty()) {
      throw redirected(
          to, state, OAuthError.INVALID_REQUEST, "Response type 'token' requires a 'nonce' value.");
    }
    if (token && to.equals(RedirectUris.OOB)) {
      throw redirected(
          to,
          state,
          OAuthError.INVALID_REQUEST,
          "Cannot use response type 'token' with redirect_uri '" + RedirectUris.OOB + "'.");
    }
  }

  /** Go's {@code strconv.Atoi}, non-negative; -1 when absent. Values past an int are capped. */
  private static int maxAge(String to, String state, String raw) {
    if (raw.isEmpty()) {
      return -1;
    }
    FlowException invalid =
        redirected(
            to, state, OAuthError.INVALID_REQUEST, "Invalid max_age value " + GoQuote.quote(raw));
    if (!GO_INT.matcher(raw).matches()) {
      throw invalid;
    }
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw invalid; // out of Go's int range: Atoi fails too
    }
    if (value < 0) {
      throw invalid;
    }
    // Dex keeps a Go int; storage columns are 32-bit, and 68 years is "no constraint" anyway.
    return (int) Math.min(value, Integer.MAX_VALUE);
  }

  /** Dex's validateIDTokenHint, with the signature check on the CPU lane. */
  private boolean hintVerifies(String hint) {
    Optional<VerifiedToken> verified = cpu.compute(() -> verifier.verifyIgnoringExpiry(hint));
    return verified.isPresent();
  }

  private static boolean allows(List<String> allowList, String value) {
    return allowList.isEmpty() || allowList.contains(value);
  }

  private static FlowException.Redirected redirected(
      String redirectUri, String state, OAuthError error, String description) {
    return new FlowException.Redirected(redirectUri, state, error, description);
  }
}
