package dev.ferry.endpoint.token;

import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpRequest;
import dev.ferry.oauth2.GrantTypes;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import dev.ferry.oauth2.Scopes;
import dev.ferry.storage.Client;
import dev.ferry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the client of a token request as Dex does (Dex: server/grants/grants.go
 * parseRequest, Handler.authenticateClient): HTTP Basic when the header parses, its id and secret
 * form-decoded (RFC 6749 §2.3.1), otherwise {@code client_id} and {@code client_secret} from the
 * form. The secret is compared in constant time; a client whose stored secret is empty (a public
 * client) authenticates without one. Every failure is the same {@code 401 invalid_client "Invalid
 * client credentials."}, with no {@code WWW-Authenticate}.
 *
 * <p>Ferry adds federated client authentication (RFC 7523 §2.2, issue 9) when any client has {@code
 * federatedCredentials}: {@code client_id}, {@code client_assertion_type} ({@link
 * GrantTypes#CLIENT_ASSERTION_JWT_BEARER}) and {@code client_assertion}, verified by {@link
 * ClientAssertions}. One method per request (RFC 6749 §2.3): Basic or {@code client_secret} beside
 * an assertion is {@code 400 invalid_request}, as are a missing half, an unsupported type, a
 * repeated parameter and an oversized assertion. {@code client_id} is required with an assertion
 * although RFC 7521 §4.2 makes it optional: the assertion's {@code sub} names the workload, not the
 * client, so only {@code client_id} says which client's credentials to try. A client with federated
 * credentials and an empty secret is not a public client: it cannot authenticate without an
 * assertion. Without any federated credentials in the configuration the assertion parameters are
 * ignored, as Dex ignores them.
 */
public final class ClientAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(ClientAuthenticator.class);
  static final String INVALID = "Invalid client credentials.";

  /**
   * The longest {@code client_assertion} looked at: the connectors' default limit on upstream
   * tokens, so an assertion refused here would be refused by its connector too (the connectors
   * count characters as well).
   */
  static final int MAX_ASSERTION_CHARS = UpstreamHttpSettings.DEFAULT_MAX_TOKEN_BYTES;

  private static final String ASSERTION = "client_assertion";
  private static final String ASSERTION_TYPE = "client_assertion_type";

  private final Storage storage;
  private final ClientAssertions assertions;

  /**
   * @param assertions the clients' federated credentials and how assertions are verified
   */
  public ClientAuthenticator(Storage storage, ClientAssertions assertions) {
    this.storage = storage;
    this.assertions = assertions;
  }

  /**
   * @throws OAuthException {@code invalid_request} for badly encoded Basic credentials, {@code
   *     invalid_client} for an unknown client or wrong secret, {@code server_error} when storage
   *     fails
   */
  public Client authenticate(HttpRequest request, Form form) {
    String clientId;
    String secret;
    Optional<String[]> basic = basicCredentials(request.header("Authorization").orElse(""));
    if (assertions.enabled() && (sent(form, ASSERTION) || sent(form, ASSERTION_TYPE))) {
      return byAssertion(form, basic.isPresent());
    }
    if (basic.isPresent()) {
      try {
        clientId = Form.queryUnescape(basic.get()[0]);
      } catch (FormException e) {
        throw new OAuthException(OAuthError.INVALID_REQUEST, "client_id improperly encoded");
      }
      try {
        secret = Form.queryUnescape(basic.get()[1]);
      } catch (FormException e) {
        throw new OAuthException(OAuthError.INVALID_REQUEST, "client_secret improperly encoded");
      }
    } else {
      clientId = form.get("client_id");
      secret = form.get("client_secret");
    }
    Client client =
        storage
            .clients()
            .get(clientId)
            .orElseThrow(() -> new OAuthException(OAuthError.INVALID_CLIENT, INVALID));
    if (!MessageDigest.isEqual(
        client.secret().getBytes(StandardCharsets.UTF_8),
        secret.getBytes(StandardCharsets.UTF_8))) {
      log.atInfo()
          .setMessage(
              secret.isEmpty()
                  ? "missing client_secret on token request"
                  : "invalid client_secret on token request")
          .addKeyValue("client_id", client.id())
          .log();
      throw new OAuthException(OAuthError.INVALID_CLIENT, INVALID);
    }
    if (client.secret().isEmpty() && assertions.federated(client.id())) {
      // An empty stored secret means "public" to Dex; a federated client has a credential instead.
      log.atInfo()
          .setMessage("missing client_assertion on token request")
          .addKeyValue("client_id", client.id())
          .log();
      throw new OAuthException(OAuthError.INVALID_CLIENT, INVALID);
    }
    return client;
  }

  private Client byAssertion(Form form, boolean basic) {
    for (String name : new String[] {ASSERTION, ASSERTION_TYPE, "client_id", "client_secret"}) {
      if (form.all(name).size() > 1) {
        throw new OAuthException(OAuthError.INVALID_REQUEST, name + " must not repeat.");
      }
    }
    if (basic || !form.get("client_secret").isEmpty()) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST,
          "The client authenticated with "
              + (basic ? "HTTP Basic" : "client_secret")
              + " and client_assertion at once; use one method.");
    }
    String type = form.get(ASSERTION_TYPE);
    if (type.isEmpty()) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Missing client_assertion_type.");
    }
    if (!type.equals(GrantTypes.CLIENT_ASSERTION_JWT_BEARER)) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST,
          "Unsupported client_assertion_type; the supported type is "
              + GrantTypes.CLIENT_ASSERTION_JWT_BEARER
              + ".");
    }
    String assertion = form.get(ASSERTION);
    if (assertion.isEmpty()) {
      throw new OAuthException(OAuthError.INVALID_REQUEST, "Missing client_assertion.");
    }
    if (assertion.length() > MAX_ASSERTION_CHARS) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST,
          "client_assertion is longer than " + MAX_ASSERTION_CHARS + " characters.");
    }
    String clientId = form.get("client_id");
    if (clientId.isEmpty()) {
      throw new OAuthException(
          OAuthError.INVALID_REQUEST,
          "Missing client_id: a client_assertion authenticates the client that client_id names.");
    }
    Client client =
        storage
            .clients()
            .get(clientId)
            .orElseThrow(() -> new OAuthException(OAuthError.INVALID_CLIENT, INVALID));
    assertions.verify(client, assertion, Scopes.parse(form.get("scope")));
    return client;
  }

  /**
   * Whether the form carries a non-empty value of the parameter: an empty one counts as absent, as
   * an empty {@code client_secret} does, so that {@code client_assertion=} beside a secret is not a
   * second method.
   */
  private static boolean sent(Form form, String name) {
    return form.all(name).stream().anyMatch(value -> !value.isEmpty());
  }

  /**
   * Go's {@code Request.BasicAuth}: a case-insensitive {@code Basic } prefix, standard padded
   * base64, and a colon. Anything else means "no Basic credentials", not an error.
   */
  static Optional<String[]> basicCredentials(String header) {
    String prefix = "basic ";
    if (header.length() < prefix.length()
        || !header.substring(0, prefix.length()).toLowerCase(Locale.ROOT).equals(prefix)) {
      return Optional.empty();
    }
    String encoded = header.substring(prefix.length());
    if (encoded.length() % 4 != 0) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }
}
