package dev.ferry.endpoint.auth;

import dev.ferry.connector.CallbackConnector;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.PasswordConnector;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Client;
import dev.ferry.storage.StorageException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /auth/{connector}} (Dex: server/authflow/login.go handleConnectorLogin, sessions off): the
 * authorization request is parsed again, checked against the connector (the client's {@code
 * allowedConnectors}, the connector's {@code grantTypes}, a {@code connector_id} naming another
 * one), stored with {@code expiry.authRequests}, and the connector's login starts: a redirect to
 * the upstream for a callback connector (the auth request id is its {@code state}), the password
 * form for a password connector.
 */
final class ConnectorLoginEndpoint implements AuthFlow.FlowEndpoint {
  private static final Logger log = LoggerFactory.getLogger(ConnectorLoginEndpoint.class);

  private final AuthFlow flow;

  ConnectorLoginEndpoint(AuthFlow flow) {
    this.flow = flow;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    Form form;
    try {
      form = request.form();
    } catch (FormException e) {
      throw new FlowException.Shown(400, "Failed to parse request.");
    }
    RequestLimits.check(form);
    AuthRequest authRequest = flow.parser().parse(form);
    String connectorId =
        GoUrl.pathUnescape(request.pathVariable("connector").orElse(""))
            .orElseThrow(() -> new FlowException.Shown(400, "Requested resource does not exist"));
    Client client =
        flow.parser().client(authRequest.clientId(), 400, "Invalid client_id provided.");
    if (!client.allowedConnectors().isEmpty()
        && !client.allowedConnectors().contains(connectorId)) {
      log.atError()
          .setMessage("connector not allowed for client")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("client_id", client.id())
          .log();
      throw new FlowException.Shown(403, "Connector not allowed for this client.");
    }
    OpenedConnector connector =
        flow.connector(connectorId)
            .orElseThrow(() -> new FlowException.Shown(400, "Connector failed to initialize"));
    String grantType = AuthorizeEndpoint.grantType(form);
    List<String> grantTypes = connector.definition().grantTypes();
    if (!grantTypes.isEmpty() && !grantTypes.contains(grantType)) {
      log.atError()
          .setMessage("connector does not allow requested grant type")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("grant_type", grantType)
          .log();
      throw new FlowException.Shown(400, "Requested connector does not support this grant type.");
    }
    if (!authRequest.connectorId().isEmpty() && !authRequest.connectorId().equals(connectorId)) {
      throw new FlowException.Shown(400, "Bad connector ID");
    }
    AuthorizationParser.refuseSilentLogin(authRequest);
    if (!request.method().equals("GET")) {
      // Dex stores the request before it looks at the method; Ferry stores nothing it will not use.
      throw new FlowException.Shown(400, "Unsupported request method.");
    }
    AuthRequest stored =
        AuthRequests.started(
            authRequest,
            connectorId,
            flow.clock().instant().plus(flow.settings().authRequestsValidFor()));
    try {
      flow.storage().authRequests().create(stored);
    } catch (StorageException e) {
      log.atError().setMessage("failed to create authorization request").setCause(e).log();
      throw new FlowException.Shown(500, "Failed to connect to the database.");
    }
    ConnectorScopes scopes = ConnectorScopes.of(stored.scopes());
    return switch (connector.connector()) {
      case CallbackConnector callback -> upstream(callback, stored, scopes, connectorId);
      case PasswordConnector password -> passwordForm(stored, connectorId, form);
      default -> throw new FlowException.Shown(400, "Requested resource does not exist.");
    };
  }

  private HttpResponse upstream(
      CallbackConnector connector,
      AuthRequest authRequest,
      ConnectorScopes scopes,
      String connectorId) {
    CallbackConnector.LoginRedirect redirect;
    try {
      redirect = connector.loginUrl(scopes, flow.settings().absUrl("callback"), authRequest.id());
    } catch (IdentityException e) {
      log.atError()
          .setMessage("connector returned error when creating callback")
          .addKeyValue("connector_id", connectorId)
          .addKeyValue("err", e.getMessage())
          .log();
      throw new FlowException.Shown(500, "Login error.");
    }
    if (redirect.connectorData().length > 0) {
      try {
        flow.storage()
            .authRequests()
            .update(
                authRequest.id(), a -> AuthRequests.withConnectorData(a, redirect.connectorData()));
      } catch (StorageException e) {
        log.atError()
            .setMessage("failed to set connector data on auth request")
            .addKeyValue("connector_id", connectorId)
            .setCause(e)
            .log();
        throw new FlowException.Shown(500, "Database error.");
      }
    }
    return HttpResponse.redirect(302, redirect.url());
  }

  /**
   * The password form's URL: {@code state} is the auth request id, {@code back} the way back to the
   * connector choice when there is more than one connector (this request's parameters again at
   * {@code /auth}).
   */
  private HttpResponse passwordForm(AuthRequest authRequest, String connectorId, Form form) {
    String back = "";
    if (connectorCount() > 1) {
      String query = GoUrl.encode(GoUrl.values(form));
      String path = GoUrl.escapePath(flow.settings().absPath("auth"));
      back = query.isEmpty() ? path : path + "?" + query;
    }
    String path = GoUrl.escapePath(flow.settings().absPath("auth", connectorId, "login"));
    String query = GoUrl.encode(Map.of("state", List.of(authRequest.id()), "back", List.of(back)));
    if (path.length() + 1 + query.length() > RequestLimits.MAX_LOCATION_BYTES) {
      // The back link carries the whole request escaped once more; when that would not fit in a
      // response header it is left out (the browser's back button still works).
      query = GoUrl.encode(Map.of("state", List.of(authRequest.id()), "back", List.of("")));
    }
    return HttpResponse.redirect(302, path + "?" + query);
  }

  /**
   * Dex counts the connectors it has opened, which is every configured one; Ferry counts the stored
   * definitions (a failure to list only drops the back link).
   */
  private int connectorCount() {
    try {
      return flow.connectorDefinitions().size();
    } catch (StorageException e) {
      return 0;
    }
  }
}
