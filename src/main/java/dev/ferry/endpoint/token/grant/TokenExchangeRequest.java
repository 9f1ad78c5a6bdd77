package dev.ferry.endpoint.token.grant;

import dev.ferry.http.Form;
import dev.ferry.oauth2.Scopes;
import java.util.List;

/**
 * The parameters of an RFC 8693 token exchange request (RFC 8693 §2.1) that Dex reads, as sent: an
 * absent parameter is the empty string, as Go's {@code r.PostFormValue} gives it (Dex: server/
 * handlers.go handleTokenExchange). Nothing is checked here; {@link TokenExchangeGrant} checks in
 * Dex's order. {@code audience} and {@code resource}, which Dex ignores, are read as {@link
 * Targets}; {@code actor_token} is not read.
 */
public record TokenExchangeRequest(
    String connectorId,
    String subjectTokenType,
    String subjectToken,
    String requestedTokenType,
    List<String> scopes,
    Targets targets) {

  /** Reads the request from the POST form; the first of repeated parameters wins, as in Go. */
  public static TokenExchangeRequest parse(Form form) {
    return new TokenExchangeRequest(
        form.get("connector_id"),
        form.get("subject_token_type"),
        form.get("subject_token"),
        form.get("requested_token_type"),
        Scopes.parse(form.get("scope")),
        Targets.parse(form));
  }
}
