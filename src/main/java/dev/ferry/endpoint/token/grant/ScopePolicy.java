package dev.ferry.endpoint.token.grant;

import dev.ferry.oauth2.GoQuote;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.Client;
import dev.ferry.storage.StorageException;
import dev.ferry.token.TokenIssuer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a grant that names its own scopes checks them before it looks at a connector (Dex HEAD:
 * server/grants/grants.go ScopePolicy and validateScopes): a scope in {@code rejected} is refused
 * with its own text, then {@code openid} is required if asked, then unknown scopes, then
 * cross-client scopes whose peer does not trust the client, each refused with {@code errorType}.
 * The password and client_credentials grants have one each; the other grants check no scopes here.
 *
 * @param standard scopes the grant knows besides cross-client ones
 * @param requireOpenId whether {@code openid} must be among the scopes
 * @param rejected scopes refused outright, with Dex's description for each
 * @param errorType the {@code error} of every refusal but a failed trust lookup
 */
record ScopePolicy(
    List<String> standard,
    boolean requireOpenId,
    Map<String, String> rejected,
    OAuthError errorType) {
  private static final Logger log = LoggerFactory.getLogger(ScopePolicy.class);

  ScopePolicy {
    standard = List.copyOf(standard);
    rejected = Map.copyOf(rejected);
  }

  /**
   * @throws OAuthException with Dex's error and description for the first problem found
   */
  void validate(TokenIssuer issuer, Client client, List<String> scopes) {
    List<String> unrecognized = new ArrayList<>();
    for (String scope : scopes) {
      String refusal = rejected.get(scope);
      if (refusal != null) {
        throw new OAuthException(errorType, refusal);
      }
      if (!standard.contains(scope) && !scope.startsWith(Scopes.CROSS_CLIENT_PREFIX)) {
        unrecognized.add(scope);
      }
    }
    List<String> untrusted;
    try {
      untrusted = issuer.untrustedScopes(client.id(), scopes);
    } catch (StorageException e) {
      log.atError()
          .setMessage("error validating cross client trust")
          .addKeyValue("client_id", client.id())
          .addKeyValue("err", e.getMessage())
          .log();
      throw new OAuthException(OAuthError.INVALID_CLIENT, "Error validating cross client trust.")
          .withStatus(400);
    }
    if (requireOpenId && !scopes.contains(Scopes.OPENID)) {
      throw new OAuthException(errorType, "Missing required scope(s) [\"openid\"].");
    }
    if (!unrecognized.isEmpty()) {
      throw new OAuthException(errorType, "Unrecognized scope(s) " + GoQuote.list(unrecognized));
    }
    if (!untrusted.isEmpty()) {
      throw new OAuthException(
          errorType, "Client can't request scope(s) " + GoQuote.list(untrusted));
    }
  }
}
