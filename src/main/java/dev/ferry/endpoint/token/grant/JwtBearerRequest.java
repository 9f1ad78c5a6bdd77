package dev.ferry.endpoint.token.grant;

import dev.ferry.http.Form;
import java.util.List;

/**
 * The parameters of an RFC 7523 §2.1 authorization grant request as sent, every value of each, so
 * that {@link JwtBearerGrant#resolve} can refuse a missing or repeated one (RFC 6749 §3.1:
 * parameters must not be repeated). Nothing is checked here.
 *
 * @param assertion the upstream JWT
 * @param scope the space-separated scopes
 * @param connectorId the connector that verifies the assertion; without it, the assertion's {@code
 *     iss} names it
 * @param targets the {@code audience} and {@code resource} values, as token exchange reads them
 */
public record JwtBearerRequest(
    List<String> assertion, List<String> scope, List<String> connectorId, Targets targets) {

  public JwtBearerRequest {
    assertion = List.copyOf(assertion);
    scope = List.copyOf(scope);
    connectorId = List.copyOf(connectorId);
  }

  /** Reads the request from the POST form. */
  public static JwtBearerRequest parse(Form form) {
    return new JwtBearerRequest(
        form.all("assertion"), form.all("scope"), form.all("connector_id"), Targets.parse(form));
  }

  /** The first {@code assertion}, or empty: what the audit record fingerprints. */
  String firstAssertion() {
    return assertion.isEmpty() ? "" : assertion.get(0);
  }

  /** The first {@code connector_id}, or empty. */
  String firstConnectorId() {
    return connectorId.isEmpty() ? "" : connectorId.get(0);
  }
}
