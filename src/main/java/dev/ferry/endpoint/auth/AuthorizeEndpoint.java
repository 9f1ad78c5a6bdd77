package dev.ferry.endpoint.auth;

import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Client;
import dev.ferry.storage.Connector;
import dev.ferry.storage.StorageException;
import dev.ferry.storage.UserConnectorKey;
import dev.ferry.storage.UserIdentity;
import dev.ferry.web.Pages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /auth}, the entry and the exit of the flow (Dex: server/authflow/authorize.go
 * handleAuthorization, dispatch.go). A fresh request picks the connector: the client's {@code
 * connector_id}, the only one left after filtering by the connectors' {@code grantTypes} and the
 * client's {@code allowedConnectors} (unless {@code oauth2.alwaysShowLoginScreen}), or the choice
 * page; the request itself is parsed and stored at {@code /auth/{connector}}. A request carrying
 * {@code req} and {@code hmac} is a step returning: the dispatcher sends the browser to the
 * approval page or answers the client.
 */
final class AuthorizeEndpoint implements AuthFlow.FlowEndpoint {
  private static final Logger log = LoggerFactory.getLogger(AuthorizeEndpoint.class);

  private final AuthFlow flow;

  AuthorizeEndpoint(AuthFlow flow) {
    this.flow = flow;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    Form form;
    try {
      form = request.form();
    } catch (FormException e) {
      log.atError()
          .setMessage("failed to parse arguments")
          .addKeyValue("err", e.getMessage())
          .log();
      throw new FlowException.Shown(400, AuthFlow.INVALID_REQUEST);
    }
    RequestLimits.check(form);
    if (!form.get("req").isEmpty()) {
      return resume(form, request.path());
    }
    String connectorId = form.get("connector_id");
    List<Connector> all;
    try {
      all = flow.connectorDefinitions();
    } catch (StorageException e) {
      log.atError().setMessage("failed to get list of connectors").setCause(e).log();
      throw new FlowException.Shown(500, "Failed to retrieve connector list.");
    }
    String grantType = grantType(form);
    Client client = flow.parser().client(form.get("client_id"), 400, "Invalid client_id provided.");
    List<Connector> usable = new ArrayList<>();
    for (Connector c : all) {
      if (allows(c.grantTypes(), grantType) && allows(client.allowedConnectors(), c.id())) {
        usable.add(c);
      }
    }
    if (usable.isEmpty()) {
      throw new FlowException.Shown(400, "No connectors available for this client.");
    }
    // Every parameter but connector_id travels on to /auth/{connector}, re-encoded as Go does.
    Map<String, List<String>> values = new TreeMap<>(GoUrl.values(form));
    values.remove("connector_id");
    String query = GoUrl.encode(values);
    if (!connectorId.isEmpty()) {
      for (Connector c : usable) {
        if (c.id().equals(connectorId)) {
          return HttpResponse.redirect(302, connectorUrl(c.id(), query));
        }
      }
      throw new FlowException.Shown(400, "Connector ID does not match a valid Connector");
    }
    if (usable.size() == 1 && !flow.settings().alwaysShowLoginScreen()) {
      return HttpResponse.redirect(302, connectorUrl(usable.get(0).id(), query));
    }
    // The choice is a page: under prompt=none the request is checked and refused here (else, as in
    // Dex, it is parsed only at the connector).
    if (Scopes.parse(form.get("prompt")).contains("none")) {
      AuthorizationParser.refuseSilentLogin(flow.parser().parse(form));
    }
    // Dex's login template sorts by name, case-insensitively and stably.
    List<Pages.ConnectorLink> links = new ArrayList<>();
    for (Connector c : usable) {
      links.add(new Pages.ConnectorLink(c.id(), c.name(), c.type(), connectorUrl(c.id(), query)));
    }
    links.sort(Comparator.comparing(l -> l.name().toLowerCase(Locale.ROOT)));
    return flow.pages().connectorChoice(links);
  }

  /**
   * Dex's connector URL: {@code url.URL{Path: AbsPath("/auth", PathEscape(id)),
   * RawQuery}.String()}, whose path escaping applies to the already escaped id too (an id that
   * needs escaping is escaped twice, as in Dex).
   */
  private String connectorUrl(String connectorId, String query) {
    String path = GoUrl.escapePath(flow.settings().absPath("auth", GoUrl.pathEscape(connectorId)));
    return query.isEmpty() ? path : path + "?" + query;
  }

  /** Dex's grantTypeFromAuthRequest: which grant the login is for, to filter connectors. */
  static String grantType(Form form) {
    String redirectUri = form.get("redirect_uri");
    if (redirectUri.endsWith(RedirectUris.DEVICE_CALLBACK)) {
      return GrantTypes.DEVICE_CODE;
    }
    for (String type : Scopes.parse(form.get("response_type"))) {
      if (type.equals("token") || type.equals("id_token")) {
        return GrantTypes.IMPLICIT;
      }
    }
    return GrantTypes.AUTHORIZATION_CODE;
  }

  /** A step returning to the dispatcher (Dex: dispatch.go handleContinue). */
  private HttpResponse resume(Form form, String requestPath) {
    String mac = form.get("hmac");
    if (mac.isEmpty()) {
      throw new FlowException.Shown(401, "Unauthorized request");
    }
    AuthRequest authRequest = flow.authRequest(form.get("req"), "User session error.");
    if (!authRequest.loggedIn()) {
      log.atError()
          .setMessage("flow dispatcher reached for auth request without an identity")
          .log();
      throw new FlowException.Shown(500, "Login process not yet finalized.");
    }
    // "approved" proves the user just approved, so consent is settled even under prompt=consent.
    boolean approved = FlowStep.APPROVED.verify(authRequest, mac);
    if (!approved && !FlowStep.CONTINUE.verify(authRequest, mac)) {
      throw new FlowException.Shown(401, "Unauthorized request");
    }
    return dispatch(authRequest, approved, requestPath);
  }

  /**
   * The next step: approval unless it is settled, then the answer to the client. Ferry has no MFA
   * step, as Dex without {@code mfa.authenticators}. Under {@code prompt=none} a step that needs
   * the user is {@code interaction_required} (OIDC Core §3.1.2.6).
   */
  private HttpResponse dispatch(AuthRequest authRequest, boolean approved, String requestPath) {
    Prompt prompt;
    try {
      prompt = Prompt.parse(authRequest.prompt());
    } catch (IllegalArgumentException e) {
      prompt = Prompt.EMPTY;
    }
    if (!approved && !consentSettled(authRequest)) {
      if (prompt.none()) {
        throw new FlowException.Redirected(
            authRequest.redirectUri(),
            authRequest.state(),
            OAuthError.INTERACTION_REQUIRED,
            "User interaction required");
      }
      return HttpResponse.redirect(
          303, FlowStep.APPROVAL.url(flow.settings().absPath("approval"), authRequest));
    }
    return flow.responder().respond(authRequest, requestPath);
  }

  /**
   * Dex's consent.Satisfied: never when approval is forced; always with {@code
   * oauth2.skipApprovalScreen}; else when a stored user identity's consents for the client cover
   * every requested scope but {@code openid} (Dex keeps consents only with sessions on, but reads
   * them whenever they exist, so Ferry does too).
   */
  private boolean consentSettled(AuthRequest authRequest) {
    if (authRequest.forceApprovalPrompt()) {
      return false;
    }
    if (flow.settings().skipApprovalScreen()) {
      return true;
    }
    Optional<UserIdentity> identity;
    try {
      identity =
          flow.storage()
              .userIdentities()
              .get(new UserConnectorKey(authRequest.claims().userId(), authRequest.connectorId()));
    } catch (StorageException e) {
      return false;
    }
    if (identity.isEmpty()) {
      return false;
    }
    List<String> consented =
        identity.get().consents().getOrDefault(authRequest.clientId(), List.of());
    return authRequest.scopes().stream()
        .allMatch(s -> s.equals(Scopes.OPENID) || consented.contains(s));
  }

  private static boolean allows(List<String> allowList, String value) {
    return allowList.isEmpty() || allowList.contains(value);
  }
}
