package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.IdentityException;
import dev.ferry.connector.upstream.GoQuery;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.connector.upstream.UpstreamJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The upstream's token endpoint as golang.org/x/oauth2 calls it for Dex's {@code oidc} connector:
 * the code exchange and the refresh. The client authenticates with HTTP Basic ({@code
 * client_secret_basic}, id and secret query-escaped first) or with {@code client_id} and {@code
 * client_secret} in the form. Which one (Dex: connector/oidc Open): the form when {@code
 * basicAuthUnsupported} is true, or when it is unset and the issuer is on Okta; otherwise
 * x/oauth2's auto-detection, which tries Basic, retries once in the form when that fails, and keeps
 * whichever worked for the connector's life.
 *
 * <p>The answer is read as x/oauth2 reads it: a non-2xx status is an error (its {@code error} and
 * {@code error_description} quoted, never the body, which may echo a credential); a form-encoded or
 * {@code text/plain} body is a form, anything else JSON; {@code access_token} is required. Every
 * call takes a slot of the connector's {@link UpstreamBulkhead}.
 */
final class TokenEndpoint {

  /** How the client authenticates at the token endpoint. */
  enum AuthStyle {
    HEADER,
    PARAMS
  }

  /**
   * A token response: {@code idToken} present only when the answer had a string {@code id_token};
   * {@code refreshToken} empty when it had none.
   */
  record Tokens(String accessToken, String refreshToken, Optional<String> idToken) {}

  /** Domains whose token endpoints refuse Basic (Dex: brokenAuthHeaderDomains). */
  private static final String[] BROKEN_AUTH_HEADER_DOMAINS = {"okta.com", "oktapreview.com"};

  private final String clientId;
  private final String clientSecret;
  private final UpstreamHttp http;
  private final UpstreamBulkhead bulkhead;
  private final boolean autoDetect;
  private volatile @Nullable AuthStyle style;

  TokenEndpoint(OidcConfig config, UpstreamHttp http, UpstreamBulkhead bulkhead) {
    this.clientId = config.clientId();
    this.clientSecret = config.clientSecret();
    this.http = http;
    this.bulkhead = bulkhead;
    Boolean unsupported = config.basicAuthUnsupported();
    boolean params =
        unsupported != null ? unsupported : knownBrokenAuthHeaderProvider(config.issuer());
    this.autoDetect = !params;
    this.style = params ? AuthStyle.PARAMS : null;
  }

  /** Dex's knownBrokenAuthHeaderProvider: the issuer's host is, or is under, an Okta domain. */
  static boolean knownBrokenAuthHeaderProvider(String issuer) {
    String host;
    try {
      host = new URI(issuer).getHost();
    } catch (URISyntaxException e) {
      return false;
    }
    if (host == null) {
      return false;
    }
    for (String domain : BROKEN_AUTH_HEADER_DOMAINS) {
      if (host.equals(domain) || host.endsWith("." + domain)) {
        return true;
      }
    }
    return false;
  }

  /** The style settled on so far; empty while auto-detection has not succeeded yet. */
  Optional<AuthStyle> style() {
    return Optional.ofNullable(style);
  }

  /**
   * Sends one token request ({@code grant_type} and its parameters in {@code form}).
   *
   * @throws IdentityException the upstream refused, could not be reached, or answered nonsense
   */
  Tokens request(URI endpoint, Map<String, String> form) throws IdentityException {
    AuthStyle known = style;
    if (known != null) {
      return send(endpoint, form, known);
    }
    try {
      Tokens tokens = send(endpoint, form, AuthStyle.HEADER);
      style = AuthStyle.HEADER;
      return tokens;
    } catch (IdentityException headerFailed) {
      // x/oauth2 retries any failure of the first try once with the credentials in the form.
      Tokens tokens = send(endpoint, form, AuthStyle.PARAMS);
      if (autoDetect) {
        style = AuthStyle.PARAMS;
      }
      return tokens;
    }
  }

  private Tokens send(URI endpoint, Map<String, String> form, AuthStyle authStyle)
      throws IdentityException {
    Map<String, String> body = new LinkedHashMap<>(form);
    String authorization = null;
    if (authStyle == AuthStyle.PARAMS) {
      body.put("client_id", clientId);
      if (!clientSecret.isEmpty()) {
        body.put("client_secret", clientSecret);
      }
    } else {
      String pair = GoQuery.escape(clientId) + ":" + GoQuery.escape(clientSecret);
      authorization =
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    String header = authorization;
    UpstreamHttp.Response response =
        bulkhead.call(() -> {
          try {
            return http.postForm(endpoint, body, header);
          } catch (IOException e) {
            throw new IdentityException("oauth2: cannot fetch token: " + e.getMessage(), e);
          }
        });
    return parse(response);
  }

  private static Tokens parse(UpstreamHttp.Response response) throws IdentityException {
    Map<String, String> values = new LinkedHashMap<>();
    String type = response.contentType();
    boolean form = type.equals("application/x-www-form-urlencoded") || type.equals("text/plain");
    if (form) {
      for (String pair : response.text().split("&", -1)) {
        String[] kv = pair.split("=", 2);
        String key = decode(kv[0]);
        if (!key.isEmpty()) {
          values.putIfAbsent(key, kv.length > 1 ? decode(kv[1]) : "");
        }
      }
    } else {
      ObjectNode json;
      try {
        json = UpstreamJson.object(response.text());
      } catch (IOException e) {
        if (response.status() < 200 || response.status() > 299) {
          throw refused(response, Map.of());
        }
        throw new IdentityException(
            "oauth2: cannot parse json: " + e.getMessage() + " (" + response.describeBody() + ")");
      }
      for (Map.Entry<String, JsonNode> field : json.properties()) {
        if (field.getValue().isTextual()) {
          values.put(field.getKey(), field.getValue().asText());
        }
      }
    }
    if (response.status() < 200 || response.status() > 299) {
      throw refused(response, values);
    }
    String error = values.getOrDefault("error", "");
    if (!error.isEmpty()) {
      throw refused(response, values);
    }
    String accessToken = values.getOrDefault("access_token", "");
    if (accessToken.isEmpty()) {
      throw new IdentityException("oauth2: server response missing access_token");
    }
    String idToken = values.getOrDefault("id_token", "");
    return new Tokens(
        accessToken,
        values.getOrDefault("refresh_token", ""),
        idToken.isEmpty() ? Optional.empty() : Optional.of(idToken));
  }

  private static IdentityException refused(
      UpstreamHttp.Response response, Map<String, String> values) {
    String error = values.getOrDefault("error", "");
    if (error.isEmpty()) {
      return new IdentityException(
          "oauth2: cannot fetch token: HTTP "
              + response.status()
              + " ("
              + response.describeBody()
              + ")");
    }
    String description = values.getOrDefault("error_description", "");
    return new IdentityException(
        "oauth2: \""
            + error
            + "\""
            + (description.isEmpty() ? "" : " \"" + description + "\"")
            + " (HTTP "
            + response.status()
            + ")");
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A malformed escape is kept as it came; the fields that matter are checked after.
      return value;
    }
  }
}
