package dev.ferry.workload;

import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@code ferry token} asks the issuer for.
 *
 * @param issuer {@code --issuer}; discovery gives the token endpoint
 * @param grant {@code --grant}
 * @param clientId {@code --client-id}
 * @param clientSecret the value of {@code --client-secret-env}'s variable, or null (a public or
 *     federated client)
 * @param federated {@code --federated}: the platform token is also the client assertion
 * @param connectorId {@code --connector}
 * @param scopes {@code --scope}, each may hold several space-separated scopes
 * @param audiences {@code --audience}, repeatable
 * @param resources {@code --resource}, repeatable
 * @param requestedTokenType {@code --requested-token-type}, a URN or a short name
 */
public record ExchangeRequest(
    URI issuer,
    Grant grant,
    String clientId,
    @Nullable String clientSecret,
    boolean federated,
    @Nullable String connectorId,
    List<String> scopes,
    List<String> audiences,
    List<String> resources,
    @Nullable String requestedTokenType) {
  public ExchangeRequest {
    scopes = List.copyOf(scopes);
    audiences = List.copyOf(audiences);
    resources = List.copyOf(resources);
  }

  /**
   * Whether this request needs the platform token at all (client credentials with a secret does
   * not).
   */
  public boolean needsUpstreamToken() {
    return grant != Grant.CLIENT_CREDENTIALS || federated;
  }

  @Override
  public String toString() {
    return "ExchangeRequest[issuer=" + issuer + ", grant=" + grant + ", clientId=" + clientId + "]";
  }
}
