package dev.ferry.endpoint.token;

import dev.ferry.cpu.CpuBusyException;
import dev.ferry.cpu.CpuLane;
import dev.ferry.endpoint.OpenedConnector;
import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import dev.ferry.http.OAuthErrorResponse;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.storage.Client;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /token} (Dex HEAD §2.1, §3.2 #1-#10): method, form, {@code grant_type} dispatch,
 * client authentication, connector policy, then the grant. The grant runs on the request thread,
 * since it may wait on an upstream (bounded per connector by the connector's bulkhead); only its
 * CPU work (verifying, signing) is queued on the bounded CPU workers through {@link CpuLane}. When
 * those are saturated the answer is {@code 503 temporarily_unavailable}. Every outcome is an OAuth
 * JSON body: a storage or programming failure is a {@code 500 server_error} whose cause is logged,
 * never sent.
 */
public final class TokenEndpoint implements HttpEndpoint {
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

  private final Map<String, Grant> grants = new HashMap<>();
  private final ClientAuthenticator clients;
  private final ConnectorPolicy policy;

  /**
   * @param grants the grants Ferry implements
   * @param enabledGrantTypes the effective grant types (Dex §1.4); a grant outside it is not served
   */
  public TokenEndpoint(
      List<Grant> grants,
      Collection<String> enabledGrantTypes,
      ClientAuthenticator clients,
      ConnectorPolicy policy) {
    for (Grant grant : grants) {
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
    Grant grant = grants.get(grantType);
    if (grant == null) {
      log.atError().setMessage("unsupported grant type").addKeyValue("grant_type", grantType).log();
      return OAuthErrorResponse.render(OAuthError.UNSUPPORTED_GRANT_TYPE);
    }
    try {
      return success(grant.handle(prepare(grant, request, form)));
    } catch (OAuthException e) {
      if (e.getCause() != null) {
        log.atError().setMessage("token request failed").addKeyValue("err", e.getCause()).log();
      }
      return OAuthErrorResponse.render(e);
    } catch (CpuBusyException e) {
      log.atWarn().setMessage("token request refused").addKeyValue("reason", e.getMessage()).log();
      return OAuthErrorResponse.busy();
    } catch (Exception e) {
      log.atError().setMessage("token request failed").setCause(e).log();
      return OAuthErrorResponse.render(OAuthError.SERVER_ERROR);
    }
  }

  private GrantRequest prepare(Grant grant, HttpRequest request, Form form) {
    Optional<Client> client =
        grant.authenticatesClient()
            ? Optional.of(clients.authenticate(request, form))
            : Optional.empty();
    Optional<OpenedConnector> connector = Optional.empty();
    Optional<String> connectorId = grant.connectorId(form).filter(id -> !id.isEmpty());
    if (connectorId.isPresent() && client.isPresent()) {
      connector = Optional.of(policy.resolve(client.get(), connectorId.get(), grant.grantType()));
    }
    return new GrantRequest(form, client, connector);
  }

  /** Dex §2.1 step 10: JSON, never cached, with an explicit length. */
  private static HttpResponse success(TokenResponse response) {
    return HttpResponse.json(200, response.toJson())
        .withHeader("Cache-Control", "no-store")
        .withHeader("Pragma", "no-cache");
  }
}
