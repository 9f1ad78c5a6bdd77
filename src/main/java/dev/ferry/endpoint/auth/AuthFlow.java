package dev.ferry.endpoint.auth;

import dev.ferry.cpu.CpuBusyException;
import dev.ferry.cpu.CpuLane;
import dev.ferry.endpoint.ConnectorLookup;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.storage.AuthRequest;
import dev.ferry.storage.IdGenerator;
import dev.ferry.storage.NotFoundException;
import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import dev.ferry.token.TokenIssuer;
import dev.ferry.token.TokenVerifier;
import dev.ferry.web.Pages;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser login flow's endpoints, built from what they share, and the one place their errors
 * become responses ({@link #render}). {@code endpoint.routes.Routes} mounts them at Dex's paths
 * (Dex: server/authflow/handler.go Mount, server/consent/consent.go Mount).
 *
 * <p>Threads: everything runs on the request's virtual thread; a connector may block on its
 * upstream, and only the {@code id_token_hint} check and token signing go to the CPU lane.
 */
public final class AuthFlow {
  private static final Logger log = LoggerFactory.getLogger(AuthFlow.class);

  private final Storage storage;
  private final ConnectorLookup connectors;
  private final Pages pages;
  private final Clock clock;
  private final AuthSettings settings;
  private final AuthorizationParser parser;
  private final LoginFinalizer finalizer;
  private final AuthorizationResponder responder;

  public AuthFlow(
      Storage storage,
      ConnectorLookup connectors,
      Pages pages,
      TokenIssuer issuer,
      TokenVerifier verifier,
      CpuLane cpu,
      Clock clock,
      SecureRandom random,
      AuthSettings settings) {
    this.storage = storage;
    this.connectors = connectors;
    this.pages = pages;
    this.clock = clock;
    this.settings = settings;
    IdGenerator ids = new IdGenerator(random);
    this.parser = new AuthorizationParser(storage, issuer, verifier, cpu, ids, settings);
    this.finalizer = new LoginFinalizer(storage, clock);
    this.responder = new AuthorizationResponder(storage, pages, issuer, clock, ids);
  }

  /** {@code /auth}: the authorization endpoint and the flow's dispatcher (GET and POST). */
  public HttpEndpoint authorize() {
    return guarded(new AuthorizeEndpoint(this));
  }

  /** {@code /auth/{connector}}: stores the auth request and starts the connector's login. */
  public HttpEndpoint connectorLogin() {
    return guarded(new ConnectorLoginEndpoint(this));
  }

  /** {@code /auth/{connector}/login}: a password connector's form. */
  public HttpEndpoint passwordLogin() {
    return guarded(new PasswordLoginEndpoint(this));
  }

  /** {@code /callback} and {@code /callback/{connector}}: a redirect connector's return leg. */
  public HttpEndpoint callback() {
    return guarded(new CallbackEndpoint(this));
  }

  /** {@code /approval}: the consent page and its answer. */
  public HttpEndpoint approval() {
    return guarded(new ApprovalEndpoint(this));
  }

  Storage storage() {
    return storage;
  }

  Pages pages() {
    return pages;
  }

  Clock clock() {
    return clock;
  }

  AuthSettings settings() {
    return settings;
  }

  AuthorizationParser parser() {
    return parser;
  }

  LoginFinalizer finalizer() {
    return finalizer;
  }

  AuthorizationResponder responder() {
    return responder;
  }

  /**
   * The opened connector, or empty when it is unknown or does not open (Dex answers both alike);
   * the reason is logged.
   */
  Optional<OpenedConnector> connector(String id) {
    try {
      Optional<OpenedConnector> found = connectors.get(id);
      if (found.isEmpty()) {
        log.atError().setMessage("failed to get connector").addKeyValue("connector_id", id).log();
      }
      return found;
    } catch (RuntimeException e) {
      log.atError()
          .setMessage("failed to get connector")
          .addKeyValue("connector_id", id)
          .addKeyValue("err", e.getMessage())
          .log();
      return Optional.empty();
    }
  }

  /** The stored auth request named by a {@code state} or {@code req} value. */
  AuthRequest authRequest(String id, String notFoundMessage) {
    try {
      return storage
          .authRequests()
          .get(id)
          .orElseThrow(() -> new FlowException.Shown(400, notFoundMessage));
    } catch (StorageException e) {
      log.atError().setMessage("failed to get auth request").setCause(e).log();
      throw new FlowException.Shown(500, "Database error.");
    }
  }

  /**
   * Ends a login the user (or the upstream on their behalf) declined: the auth request is deleted
   * so no step can resume it, and the client gets RFC 6749 §4.1.2.1's {@code access_denied}.
   */
  FlowException.Redirected denied(AuthRequest authRequest, String description) {
    try {
      storage.authRequests().delete(authRequest.id());
    } catch (NotFoundException e) {
      // Ended already (a second tab): the answer is the same.
    }
    return new FlowException.Redirected(
        authRequest.redirectUri(), authRequest.state(), OAuthError.ACCESS_DENIED, description);
  }

  /** The redirect back to {@code /auth} once a login is finalized (Dex: buildContinueURL). */
  HttpResponse continueAfterLogin(AuthRequest authRequest) {
    return HttpResponse.redirect(303, FlowStep.CONTINUE.url(settings.absPath("auth"), authRequest));
  }

  /**
   * Renders a failure of the flow: an error page, or the error redirect to the client (Go's {@code
   * http.Error} "Invalid redirect URI" when Go could not parse it). {@code requestPath} resolves a
   * relative {@code redirect_uri} as Go's {@code http.Redirect} does.
   */
  HttpResponse render(FlowException e, String requestPath) {
    return switch (e) {
      case FlowException.Shown shown -> pages.error(shown.status(), String.valueOf(e.getMessage()));
      case FlowException.Redirected redirected -> {
        Optional<ClientRedirect> uri = ClientRedirect.parse(redirected.redirectUri());
        if (uri.isEmpty()) {
          yield HttpResponse.text(400, "Invalid redirect URI\n")
              .withHeader("X-Content-Type-Options", "nosniff");
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("state", redirected.state());
        values.put("error", redirected.error().code());
        if (!redirected.description().isEmpty()) {
          values.put("error_description", redirected.description());
        }
        yield HttpResponse.redirect(
            303, ClientRedirect.resolve(requestPath, uri.get().withQuery(values, false)));
      }
    };
  }

  private HttpEndpoint guarded(FlowEndpoint endpoint) {
    return request -> {
      HttpResponse response = answer(endpoint, request);
      if (RequestLimits.locationTooLong(response)) {
        // Jetty would answer its own 500 for a header this long.
        log.atWarn()
            .setMessage("redirect too long for a response header")
            .addKeyValue("path", request.path())
            .log();
        return pages.error(400, RequestLimits.TOO_LARGE);
      }
      return response;
    };
  }

  private HttpResponse answer(FlowEndpoint endpoint, HttpRequest request) {
    try {
      return endpoint.handle(request);
    } catch (FlowException e) {
      if (e instanceof FlowException.Redirected r) {
        log.atInfo()
            .setMessage("authorization request refused")
            .addKeyValue("error", r.error().code())
            .addKeyValue("error_description", r.description())
            .log();
      }
      return render(e, request.path());
    } catch (CpuBusyException e) {
      log.atWarn().setMessage("request refused").addKeyValue("reason", e.getMessage()).log();
      return pages.error(503, "The server is busy, retry later.").withHeader("Retry-After", "1");
    } catch (StorageException e) {
      log.atError().setMessage("storage failure in the login flow").setCause(e).log();
      return pages.error(500, "Database error.");
    } catch (RuntimeException e) {
      log.atError().setMessage("unexpected error in the login flow").setCause(e).log();
      return pages.error(500, INTERNAL_ERROR);
    }
  }

  /** Dex's ErrMsgInternalServerError. */
  static final String INTERNAL_ERROR =
      "Internal server error. Please contact your administrator or try again later.";

  /** Dex's ErrMsgLoginError: a password connector failed (not wrong credentials). */
  static final String LOGIN_ERROR =
      "Login error. Please contact your administrator or try again later.";

  /** Dex's ErrMsgAuthenticationFailed: a callback connector refused or failed. */
  static final String AUTHENTICATION_FAILED =
      "Authentication failed. Please contact your administrator or try again later.";

  /** Dex's ErrMsgInvalidRequest: the request could not be parsed. */
  static final String INVALID_REQUEST = "Invalid request. Please try again.";

  /** The flow's stored connector definitions, in storage order. */
  List<dev.ferry.storage.Connector> connectorDefinitions() {
    return storage.connectors().list();
  }

  /** One endpoint of the flow; throws {@link FlowException} for what {@link #render} renders. */
  @FunctionalInterface
  interface FlowEndpoint {
    HttpResponse handle(HttpRequest request);
  }
}
