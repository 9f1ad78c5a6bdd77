package dev.ferry.endpoint.auth;

import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.Client;
import dev.ferry.storage.StorageException;
import dev.ferry.web.Pages;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /approval?req=<id>&hmac=<approval mac>} (Dex: server/consent/consent.go handleApproval,
 * sessions off): GET shows the requested scopes; a POST of {@code approval=approve} with the same
 * {@code req} and {@code hmac} returns to {@code /auth} with the "approved" verifier, anything else
 * ends the login with {@code access_denied} to the client (Dex: a 500 "Approval rejected." page).
 * Without the auth request's key no one can forge the {@code hmac}, so a cross-site post cannot
 * approve for the user.
 */
final class ApprovalEndpoint implements AuthFlow.FlowEndpoint {
  private static final Logger log = LoggerFactory.getLogger(ApprovalEndpoint.class);

  private final AuthFlow flow;

  ApprovalEndpoint(AuthFlow flow) {
    this.flow = flow;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    Form form;
    try {
      form = request.form();
    } catch (FormException e) {
      throw new FlowException.Shown(400, AuthFlow.INVALID_REQUEST);
    }
    String mac = form.get("hmac");
    if (mac.isEmpty()) {
      throw new FlowException.Shown(401, "Unauthorized request");
    }
    AuthRequest authRequest = flow.authRequest(form.get("req"), "User session error.");
    if (!authRequest.loggedIn()) {
      log.atError().setMessage("auth request does not have an identity for approval").log();
      throw new FlowException.Shown(500, "Login process not yet finalized.");
    }
    if (!FlowStep.APPROVAL.verify(authRequest, mac)) {
      throw new FlowException.Shown(401, "Unauthorized request");
    }
    return switch (request.method()) {
      case "GET" -> page(request, authRequest, mac);
      case "POST" -> {
        if (!form.get("approval").equals("approve")) {
          // The user said no: the client hears it (Dex shows a 500 "Approval rejected." page).
          throw flow.denied(authRequest, "The user denied the request.");
        }
        yield HttpResponse.redirect(
            303, FlowStep.APPROVED.url(flow.settings().absPath("auth"), authRequest));
      }
      // Dex writes nothing for other methods; Ferry says why.
      default -> throw new FlowException.Shown(400, "Unsupported request method.");
    };
  }

  private HttpResponse page(HttpRequest request, AuthRequest authRequest, String mac) {
    Optional<Client> client;
    try {
      client = flow.storage().clients().get(authRequest.clientId());
    } catch (StorageException e) {
      client = Optional.empty();
    }
    if (client.isEmpty()) {
      log.atError()
          .setMessage("failed to get client")
          .addKeyValue("client_id", authRequest.clientId())
          .log();
      throw new FlowException.Shown(500, "Failed to retrieve client.");
    }
    // The form posts req and hmac back to /approval, as Dex's (which posts to the same URL).
    String postUrl = request.path();
    return flow.pages()
        .approval(
            new Pages.ApprovalPage(
                postUrl,
                authRequest.id(),
                mac,
                authRequest.claims().username(),
                client.get().name(),
                authRequest.scopes()));
  }
}
