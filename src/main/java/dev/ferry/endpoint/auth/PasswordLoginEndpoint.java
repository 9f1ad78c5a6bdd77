package dev.ferry.endpoint.auth;

import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.PasswordCheckBusyException;
import dev.ferry.connector.PasswordConnector;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.storage.AuthRequest;
import dev.ferry.web.Pages;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /auth/{connector}/login?state=<auth request id>&back=<path>} (Dex:
 * server/authflow/password.go handlePasswordLogin, sessions off): GET shows the form, POST checks
 * {@code login} and {@code password} with the connector; wrong credentials show the form again with
 * {@code 401}, right ones finalize the login and return to {@code /auth}. The form is bound to the
 * auth request by its unguessable id, as in Dex.
 */
final class PasswordLoginEndpoint implements AuthFlow.FlowEndpoint {
  private static final Logger log = LoggerFactory.getLogger(PasswordLoginEndpoint.class);

  private final AuthFlow flow;

  PasswordLoginEndpoint(AuthFlow flow) {
    this.flow = flow;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    Map<String, List<String>> query = GoUrl.lenientQuery(request.rawQuery());
    String authId = GoUrl.first(query, "state");
    if (authId.isEmpty()) {
      throw new FlowException.Shown(400, "User session error.");
    }
    String backLink = sanitizeBackLink(GoUrl.first(query, "back"));
    AuthRequest authRequest = flow.authRequest(authId, "Requested resource does not exist.");
    Optional<String> connectorId = GoUrl.pathUnescape(request.pathVariable("connector").orElse(""));
    if (connectorId.isEmpty()) {
      throw new FlowException.Shown(400, "Requested resource does not exist");
    }
    if (!connectorId.get().isEmpty() && !connectorId.get().equals(authRequest.connectorId())) {
      log.atError()
          .setMessage("connector mismatch: password login for another connector than started")
          .addKeyValue("start_connector_id", authRequest.connectorId())
          .addKeyValue("password_connector_id", connectorId.get())
          .log();
      throw new FlowException.Shown(400, "Requested resource does not exist.");
    }
    OpenedConnector opened =
        flow.connector(authRequest.connectorId())
            .orElseThrow(() -> new FlowException.Shown(500, "Connector failed to initialize."));
    if (!(opened.connector() instanceof PasswordConnector connector)) {
      log.atError().setMessage("expected password connector in password login").log();
      throw new FlowException.Shown(500, "Requested resource does not exist.");
    }
    String postUrl =
        request.rawQuery().isEmpty() ? request.path() : request.path() + "?" + request.rawQuery();
    String prompt = connector.prompt().isEmpty() ? "Username" : connector.prompt();
    return switch (request.method()) {
      case "GET" ->
          flow.pages().password(new Pages.PasswordPage(postUrl, "", prompt, false, backLink));
      case "POST" -> login(request, authRequest, opened, connector, postUrl, prompt, backLink);
      default -> throw new FlowException.Shown(400, "Unsupported request method.");
    };
  }

  private HttpResponse login(
      HttpRequest request,
      AuthRequest authRequest,
      OpenedConnector opened,
      PasswordConnector connector,
      String postUrl,
      String prompt,
      String backLink) {
    Form form;
    try {
      form = request.form();
    } catch (FormException e) {
      throw new FlowException.Shown(400, AuthFlow.INVALID_REQUEST);
    }
    String username = form.get("login");
    Optional<Identity> identity;
    try {
      identity =
          connector.login(ConnectorScopes.of(authRequest.scopes()), username, form.get("password"));
    } catch (PasswordCheckBusyException e) {
      // Not a wrong password: too many password checks at once (a flood of guesses).
      return flow.pages()
          .error(503, "Too many sign-in attempts right now; try again in a moment.")
          .withHeader(
              "Retry-After", Integer.toString(PasswordCheckBusyException.RETRY_AFTER_SECONDS));
    } catch (IdentityException e) {
      log.atError().setMessage("failed to login user").addKeyValue("err", e.getMessage()).log();
      throw new FlowException.Shown(500, AuthFlow.LOGIN_ERROR);
    }
    if (identity.isEmpty()) {
      log.atError()
          .setMessage("failed login attempt: Invalid credentials.")
          .addKeyValue("user", username)
          .log();
      HttpResponse page =
          flow.pages().password(new Pages.PasswordPage(postUrl, username, prompt, true, backLink));
      // Dex answers a failed attempt with 401 and the form again.
      return new HttpResponse(401, page.headers(), page.body());
    }
    AuthRequest finalized = flow.finalizer().finalizeLogin(identity.get(), authRequest, opened);
    return flow.continueAfterLogin(finalized);
  }

  /**
   * Dex's sanitizeBackLink: only a same-origin absolute path survives; an absolute URL, a
   * scheme-relative {@code //host} or {@code /\host}, a relative path or an unparsable value
   * becomes no link (no open redirect through {@code back}).
   */
  static String sanitizeBackLink(String back) {
    if (back.isEmpty() || back.charAt(0) != '/') {
      return "";
    }
    if (back.length() >= 2 && (back.charAt(1) == '/' || back.charAt(1) == '\\')) {
      return "";
    }
    // A rooted path has no scheme, and no host unless it starts with "//": what is left of Dex's
    // checks is that Go's url.Parse accepts it.
    return ClientRedirect.parse(back).isPresent() ? back : "";
  }
}
