package dev.ferry.endpoint.token;

import dev.ferry.http.Form;
import dev.ferry.http.FormException;
import dev.ferry.http.HttpRequest;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
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
 */
public final class ClientAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(ClientAuthenticator.class);
  private static final String INVALID = "Invalid client credentials.";

  private final Storage storage;

  public ClientAuthenticator(Storage storage) {
    this.storage = storage;
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
    return client;
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
