package dev.ferry.endpoint.token;

import dev.ferry.http.Form;
import java.util.Optional;

/**
 * One grant type served at the token endpoint. The endpoint owns the steps every grant shares
 * (client authentication, connector policy, rendering); a grant fills in only what is its own.
 */
public interface Grant {

  /** The {@code grant_type} value this grant serves. */
  String grantType();

  /** Whether the client must authenticate first; only {@code device_code} does not (Dex §2.1). */
  default boolean authenticatesClient() {
    return true;
  }

  /**
   * The connector this request authenticates against, if the grant uses one: the endpoint then
   * enforces the client's {@code allowedConnectors} and the connector's {@code grantTypes} before
   * {@link #handle} (Dex HEAD §2.1 step 8). Empty skips the policy.
   */
  default Optional<String> connectorId(Form form) {
    return Optional.empty();
  }

  /**
   * Runs the grant. Protocol failures are thrown as {@link dev.ferry.oauth2.OAuthException}; the
   * endpoint renders them.
   */
  TokenResponse handle(GrantRequest request);
}
