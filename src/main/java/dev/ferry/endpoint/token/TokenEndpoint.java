package dev.ferry.endpoint.token;

import dev.ferry.cpu.CpuLane;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.OAuthErrorResponse;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.storage.Client;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /token} (Dex: server/handlers.go handleToken): method, form, {@code grant_type}
 * dispatch, client authentication, connector policy, then the grant. The grant runs on the request
 * thread, since it may wait on an upstream (bounded per connector by the connector's bulkhead);
 * only its CPU work (verifying, signing) is queued on the bounded CPU workers through {@link
 * CpuLane}. When those are saturated the answer is {@code 503 temporarily_unavailable}. Every
 * outcome is an OAuth JSON body rendered by {@link OAuthErrorResponse#of}: a storage or programming
 * failure is a {@code 500 server_error} whose cause is logged, never sent.
 */
public final class TokenEndpoint implements HttpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

  private final Map<String, Grant<?, ?>> grants = new HashMap<>();
  private final ClientAuthenticator clients;
  private final ConnectorPolicy policy;

  /**
   * @param grants the grants Ferry implements
   * @param enabledGrantTypes the effective grant types (Dex: server/server.go newServer, {@code
   *     supportedGrantTypes}); a grant outside it is not served
   */
  public TokenEndpoint(
      List<? extends Grant<?, ?>> grants,
      Collection<String> enabledGrantTypes,
      ClientAuthenticator clients,
      ConnectorPolicy policy) {
    for (Grant<?, ?> grant : grants) {
      if (enabledGrantTypes.contains(grant.grantType())) {
        this.grants.put(grant.grantType(), grant);
      }
    }
    this.clients = clients;
    this.policy = policy;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    if (!request.method().equals("POST")) {
      return OAuthErrorResponse.render(OAuthError.INVALID_REQUEST, "method not allowed");
    }
    Form form;
    try {
      form = request.postForm();
    } catch (FormException e) {
      log.atError()
          .setMessage("could not parse request body")
          .addKeyValue("err", e.getMessage())
          .log();
      return OAuthErrorResponse.render(OAuthError.INVALID_REQUEST);
    }
    String grantType = form.get("grant_type");
    Grant<?, ?> grant = grants.get(grantType);
    if (grant == null) {
      log.atError().setMessage("unsupported grant type").addKeyValue("grant_type", grantType).log();
      return OAuthErrorResponse.render(OAuthError.UNSUPPORTED_GRANT_TYPE);
    }
    try {
      return success(run(grant, request, form));
    } catch (Exception e) {
      return OAuthErrorResponse.of(e);
    }
  }

  /**
   * The steps every grant shares, in Dex's order, then the grant: client authentication, the
   * grant's typed request, its connector, the connector policy on that connector, the grant's work.
   */
  private <R, S> TokenResponse run(Grant<R, S> grant, HttpRequest request, Form form) {
    RequestContext context = new RequestContext(request.requestId(), request.remoteIp());
    Optional<Client> client = Optional.empty();
    Resolution<S> resolution;
    Optional<OpenedConnector> connector;
    try {
      if (grant.authenticatesClient()) {
        client = Optional.of(clients.authenticate(request, form));
      }
      resolution = grant.resolve(client, grant.parse(form));
      Optional<Client> authenticated = client;
      connector =
          resolution.connectorId().map(id -> policy.resolve(authenticated, id, grant.grantType()));
    } catch (RuntimeException e) {
      grant.refusedBeforeHandling(context, form, client, e);
      throw e;
    }
    return grant.handle(new GrantRequest<>(resolution.state(), client, connector, context));
  }

  /** Dex: server/handlers.go writeAccessToken: JSON, never cached, with an explicit length. */
  private static HttpResponse success(TokenResponse response) {
    return HttpResponse.json(200, response.toJson())
        .withHeader("Cache-Control", "no-store")
        .withHeader("Pragma", "no-cache");
  }
}
