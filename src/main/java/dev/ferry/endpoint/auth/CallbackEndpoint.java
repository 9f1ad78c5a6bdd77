package dev.ferry.endpoint.auth;

import dev.ferry.connector.CallbackConnector;
import dev.ferry.connector.ConnectorScopes;
import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.oauth2.GoQuote;
import dev.ferry.storage.AuthRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /callback} and {@code /callback/{connector}} (Dex: server/authflow/callback.go
 * handleConnectorCallback): the upstream sends the browser back with {@code state}, the auth
 * request id; the auth request's connector reads the answer, and the login is finalized. A POST
 * with {@code RelayState} is SAML's binding, which no Ferry connector implements: it is answered as
 * Dex answers a POST to an OAuth connector.
 */
final class CallbackEndpoint implements AuthFlow.FlowEndpoint {
  private static final Logger log = LoggerFactory.getLogger(CallbackEndpoint.class);

  private final AuthFlow flow;

  CallbackEndpoint(AuthFlow flow) {
    this.flow = flow;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    Map<String, List<String>> query = GoUrl.lenientQuery(request.rawQuery());
    String authId =
        switch (request.method()) {
          case "GET" -> GoUrl.first(query, "state");
          case "POST" -> relayState(request);
          default -> throw new FlowException.Shown(400, "Method not supported");
        };
    if (authId.isEmpty()) {
      throw new FlowException.Shown(400, "User session error.");
    }
    AuthRequest authRequest = flow.authRequest(authId, "Requested resource does not exist.");
    Optional<String> connectorId = GoUrl.pathUnescape(request.pathVariable("connector").orElse(""));
    if (connectorId.isEmpty()
        || (!connectorId.get().isEmpty() && !connectorId.get().equals(authRequest.connectorId()))) {
      log.atError()
          .setMessage("connector mismatch: callback for another connector than started")
          .addKeyValue("authentication_start_connector_id", authRequest.connectorId())
          .log();
      throw new FlowException.Shown(400, "Requested resource does not exist.");
    }
    OpenedConnector opened =
        flow.connector(authRequest.connectorId())
            .orElseThrow(() -> new FlowException.Shown(500, "Requested resource does not exist."));
    if (!(opened.connector() instanceof CallbackConnector connector)) {
      // A state of a password login sent to the callback: the caller's mistake (Dex: 500).
      throw new FlowException.Shown(400, "Requested resource does not exist.");
    }
    if (!request.method().equals("GET")) {
      log.atError().setMessage("SAML request mapped to OAuth2 connector").log();
      throw new FlowException.Shown(400, "Invalid request");
    }
    String upstreamError = GoUrl.first(query, "error");
    if (!upstreamError.isEmpty()) {
      // RFC 6749 §4.1.2.1: the upstream declined (the user said no there, or it refused them).
      // The client hears access_denied; Dex shows a 500 "Authentication failed." page. The code is
      // the upstream's, so it is quoted and cut short.
      log.atInfo()
          .setMessage("upstream refused the login")
          .addKeyValue("connector_id", authRequest.connectorId())
          .addKeyValue("error", GoQuote.quote(shorten(upstreamError)))
          .log();
      throw flow.denied(
          authRequest,
          "The identity provider refused the login: "
              + GoQuote.quote(shorten(upstreamError))
              + ".");
    }
    Map<String, String> firstValues = new LinkedHashMap<>();
    query.forEach((name, values) -> firstValues.put(name, values.get(0)));
    Identity identity;
    try {
      identity =
          connector.handleCallback(
              ConnectorScopes.of(authRequest.scopes()), authRequest.connectorData(), firstValues);
    } catch (IdentityException e) {
      log.atError()
          .setMessage("failed to authenticate")
          .addKeyValue("connector_id", authRequest.connectorId())
          .addKeyValue("err", e.getMessage())
          .log();
      // A forged, replayed or missing code, a token that does not verify: the browser brought
      // something the upstream does not stand behind (Dex: 500).
      throw new FlowException.Shown(400, AuthFlow.AUTHENTICATION_FAILED);
    }
    AuthRequest finalized = flow.finalizer().finalizeLogin(identity, authRequest, opened);
    return flow.continueAfterLogin(finalized);
  }

  /** An upstream's error code is a short token (RFC 6749 §4.1.2.1); more is not repeated. */
  private static String shorten(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64);
  }

  private static String relayState(HttpRequest request) {
    try {
      return request.postForm().get("RelayState");
    } catch (FormException e) {
      return ""; // Go's PostFormValue ignores a parse error
    }
  }
}
