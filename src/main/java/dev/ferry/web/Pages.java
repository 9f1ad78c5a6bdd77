package dev.ferry.web;

import dev.ferry.http.HttpResponse;
import java.util.List;

/**
 * Renders the login pages as complete responses (status, {@code text/html; charset=utf-8}, body and
 * the pages' own security headers). Every value handed in is plain text and is escaped for HTML by
 * the implementation; URLs handed in are already safe to follow (built by Ferry, never a client's
 * {@code redirect_uri}).
 *
 * <p>The endpoints of the login flow (Dex: server/authflow, server/consent) are its only users, so
 * each method is one page of Dex's ({@code login.html}, {@code password.html}, {@code
 * approval.html}, {@code error.html}, {@code oob.html}).
 */
public interface Pages {

  /**
   * The connector choice page: one link per connector, sorted by name ignoring case as Dex's login
   * page sorts them (Dex: server/templates sortConnectors), whatever the order given. Status 200.
   */
  HttpResponse connectorChoice(List<ConnectorLink> connectors);

  /**
   * The username and password form of a password connector. Status 200, or 401 after a failed
   * attempt ({@link PasswordPage#invalid}), as Dex answers.
   */
  HttpResponse password(PasswordPage page);

  /** The approval page listing the requested scopes. Status 200. */
  HttpResponse approval(ApprovalPage page);

  /**
   * An error page: {@code status} with its reason phrase as the heading and {@code message} as the
   * text (Dex's {@code renderError}).
   */
  HttpResponse error(int status, String message);

  /** The code for {@code urn:ietf:wg:oauth:2.0:oob}, to copy into the client. Status 200. */
  HttpResponse oob(String code);

  /**
   * One connector on the choice page.
   *
   * @param url where the browser goes to log in with it (an absolute path under the issuer)
   */
  record ConnectorLink(String id, String name, String type, String url) {}

  /**
   * The password form.
   *
   * @param postUrl where the form posts ({@code login} and {@code password} fields): the path and
   *     query the form was served at
   * @param username the username to prefill after a failed attempt, else empty
   * @param usernamePrompt the username field's label ({@code "Email Address"} for the local
   *     database, {@code "Username"} by default)
   * @param invalid whether the previous attempt failed (the page says so, and its status is 401)
   * @param backLink a same-origin path back to the connector choice, or empty for none
   */
  record PasswordPage(
      String postUrl, String username, String usernamePrompt, boolean invalid, String backLink) {}

  /**
   * The approval form. It posts {@code req}, {@code hmac} and {@code approval} ({@code approve} or
   * {@code rejected}) to {@code postUrl}.
   *
   * @param authRequestId the auth request the approval is for ({@code req})
   * @param hmac the auth request's HMAC for the approval step ({@code hmac}); binds the form to the
   *     auth request so that a forged post is refused
   * @param username who logged in
   * @param clientName the client's {@code name}
   * @param scopes the requested scopes, as requested; the page describes the ones it knows
   */
  record ApprovalPage(
      String postUrl,
      String authRequestId,
      String hmac,
      String username,
      String clientName,
      List<String> scopes) {
    public ApprovalPage {
      scopes = List.copyOf(scopes);
    }
  }
}
