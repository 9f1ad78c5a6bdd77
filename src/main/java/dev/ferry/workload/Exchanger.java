package dev.ferry.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Asks a Ferry issuer for a token: discovery, then one token request.
 *
 * <p>Only a cache miss loads this class (and the JDK's HTTP client and Jackson with it): a cache
 * hit, which is what kubectl sees on almost every command, never touches it.
 *
 * <p>The request is what Ferry's token endpoint accepts (docs/machine-authentication.md): a form
 * POST; the client authenticates with HTTP Basic (a secret, RFC 6749 §2.3.1), with {@code
 * client_id} alone (a public client) or with {@code client_id} and the platform token as its {@code
 * client_assertion} (a federated client, RFC 7523 §2.2). Without {@code --scope} no {@code scope}
 * is sent: Ferry, like Dex, then issues the token with no optional claims, which is what a workload
 * that only needs to be recognised wants.
 */
public final class Exchanger {
  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
  static final String CLIENT_ASSERTION_TYPE =
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

  /** More than any discovery document or token response Ferry sends. */
  private static final int MAX_BODY = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A qualified exception class name as the JDK puts it in a message, with its colon. */
  private static final Pattern JDK_CLASS_NAME =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");

  /** Far more than any token lifetime Ferry issues; a larger expires_in is a broken issuer. */
  static final Duration MAX_EXPIRES_IN = Duration.ofDays(366);

  private final Workplace place;
  private final Duration timeout;

  public Exchanger(Workplace place, Duration timeout) {
    this.place = place;
    this.timeout = timeout;
  }

  /**
   * Discovers the token endpoint of {@code request.issuer()} and makes the token request; {@code
   * upstream} is null exactly when {@link ExchangeRequest#needsUpstreamToken()} is false.
   */
  public IssuedToken exchange(ExchangeRequest request, @Nullable UpstreamToken upstream)
      throws WorkloadException {
    if (request.needsUpstreamToken() != (upstream != null)) {
      throw new IllegalArgumentException(
          "the upstream token must be given exactly when the request needs one");
    }
    List<String[]> form = form(request, upstream);
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    try {
      URI tokenEndpoint = discover(http, request.issuer());
      HttpRequest.Builder post =
          HttpRequest.newBuilder(tokenEndpoint)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
      if (request.clientSecret() != null && !request.federated()) {
        post.header("Authorization", basic(request.clientId(), request.clientSecret()));
      }
      return issued(tokenEndpoint, send(http, post.build()));
    } finally {
      // Not close(), which waits for an exchange that timed out: abandon it instead.
      http.shutdownNow();
    }
  }

  // ---- the request

  /** The token request's form for {@code request}'s grant and client authentication. */
  static List<String[]> form(ExchangeRequest request, @Nullable UpstreamToken upstream)
      throws WorkloadException {
    request.validate();
    List<String[]> form = new ArrayList<>();
    String platformToken = upstream == null ? "" : upstream.value();
    switch (request.grant()) {
      case TOKEN_EXCHANGE -> {
        add(form, "grant_type", TOKEN_EXCHANGE);
        add(form, "connector_id", request.connectorId());
        add(form, "subject_token", platformToken);
        add(form, "subject_token_type", ID_TOKEN_TYPE);
        if (request.requestedTokenType() != null) {
          add(
              form,
              "requested_token_type",
              ExchangeRequest.tokenTypeUrn(request.requestedTokenType()));
        }
      }
      case JWT_BEARER -> {
        add(form, "grant_type", JWT_BEARER);
        add(form, "assertion", platformToken);
        if (request.connectorId() != null) {
          add(form, "connector_id", request.connectorId());
        }
      }
      case CLIENT_CREDENTIALS -> add(form, "grant_type", "client_credentials");
    }
    if (!request.scopes().isEmpty()) {
      add(form, "scope", String.join(" ", request.scopes()));
    }
    for (String audience : request.audiences()) {
      add(form, "audience", audience);
    }
    for (String resource : request.resources()) {
      add(form, "resource", resource);
    }
    if (request.federated()) {
      add(form, "client_id", request.clientId());
      add(form, "client_assertion_type", CLIENT_ASSERTION_TYPE);
      add(form, "client_assertion", platformToken);
    } else if (request.clientSecret() == null) {
      add(form, "client_id", request.clientId());
    }
    return form;
  }

  private static void add(List<String[]> form, String name, @Nullable String value) {
    form.add(new String[] {name, value == null ? "" : value});
  }

  static String encode(List<String[]> form) {
    StringJoiner body = new StringJoiner("&");
    for (String[] pair : form) {
      body.add(
          URLEncoder.encode(pair[0], StandardCharsets.UTF_8)
              + "="
              + URLEncoder.encode(pair[1], StandardCharsets.UTF_8));
    }
    return body.toString();
  }

  /** RFC 6749 §2.3.1: the id and the secret are form-encoded before they are joined. */
  static String basic(String clientId, @Nullable String secret) {
    String pair =
        URLEncoder.encode(clientId, StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(secret == null ? "" : secret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  // ---- discovery

  private URI discover(HttpClient http, URI issuer) throws WorkloadException {
    String issuerText = issuer.toString();
    URI url = URI.create(stripSlash(issuerText) + DISCOVERY_PATH);
    HttpResponse<byte[]> response =
        send(http, HttpRequest.newBuilder(url).header("Accept", "application/json").GET().build());
    if (unavailable(response.statusCode())) {
      throw unavailable(url, response.statusCode());
    }
    if (response.statusCode() != 200) {
      throw new WorkloadException(
          Failure.EXCHANGE,
          shown(url)
              + " answered HTTP "
              + response.statusCode()
              + ", not an OpenID discovery document: is --issuer right?");
    }
    JsonNode document = json(response.body());
    if (document == null || !document.isObject()) {
      throw new WorkloadException(
          Failure.EXCHANGE,
          shown(url) + " answered HTTP 200 with something that is not JSON: is --issuer right?");
    }
    JsonNode named = document.path("issuer");
    if (!named.isTextual() || !named.asText().equals(issuerText)) {
      throw new WorkloadException(
          Failure.EXCHANGE,
          "the discovery document at "
              + shown(url)
              + (named.isTextual()
                  ? " names the issuer " + Text.clean(named.asText())
                  : " names no issuer")
              + ", not "
              + shown(issuerText)
              + ": --issuer must be exactly the issuer Ferry is configured with");
    }
    JsonNode endpoint = document.path("token_endpoint");
    if (!endpoint.isTextual() || endpoint.asText().isEmpty()) {
      throw new WorkloadException(
          Failure.EXCHANGE,
          shown(issuerText)
              + " is not a Ferry issuer: its discovery document has no token_endpoint");
    }
    URI tokenEndpoint;
    try {
      tokenEndpoint = new URI(endpoint.asText());
    } catch (java.net.URISyntaxException e) {
      throw badEndpoint(issuerText, endpoint.asText());
    }
    String scheme = tokenEndpoint.getScheme();
    if (tokenEndpoint.getHost() == null
        || !("https".equals(scheme) || "http".equals(scheme))
        // A token and maybe a secret go there: never downgrade an https issuer to plain http.
        || ("https".equals(issuer.getScheme()) && !"https".equals(scheme))) {
      throw badEndpoint(issuerText, endpoint.asText());
    }
    if ("http".equals(scheme) && !ExchangeRequest.loopback(tokenEndpoint)) {
      // As for --issuer: plain http only to this machine.
      throw new WorkloadException(
          Failure.EXCHANGE,
          Text.clean(issuerText)
              + "'s discovery document sends the token to "
              + Text.clean(endpoint.asText())
              + ": plain http is allowed only to a loopback address");
    }
    return tokenEndpoint;
  }

  private static WorkloadException badEndpoint(String issuer, String endpoint) {
    return new WorkloadException(
        Failure.EXCHANGE,
        shown(issuer)
            + " is not a Ferry issuer: its discovery document's token_endpoint "
            + Text.clean(endpoint)
            + " is not an http(s) URL"
            + (issuer.startsWith("https:") ? " with https" : ""));
  }

  /** A URL from --issuer (or built on it) as an error line shows it: bounded, cleaned. */
  private static String shown(Object url) {
    return Text.typed(url.toString());
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  // ---- the response

  private IssuedToken issued(URI endpoint, HttpResponse<byte[]> response) throws WorkloadException {
    int status = response.statusCode();
    JsonNode body = json(response.body());
    if (body != null && body.isObject()) {
      JsonNode error = body.path("error");
      if (error.isTextual() && !error.asText().isEmpty()) {
        throw new WorkloadException(Failure.EXCHANGE, oauthError(body, response));
      }
      JsonNode token = body.path("access_token");
      if (status == 200 && token.isTextual() && !token.asText().isEmpty()) {
        requirePrintable(token.asText());
        return new IssuedToken(
            token.asText(),
            expiresAt(body.path("expires_in"), token.asText()),
            new String(response.body(), StandardCharsets.UTF_8));
      }
      if (status == 200) {
        throw new WorkloadException(
            Failure.EXCHANGE,
            shown(endpoint)
                + " answered HTTP 200 without an access_token: is --issuer a Ferry issuer?");
      }
    }
    if (unavailable(status)) {
      throw unavailable(endpoint, status);
    }
    String type = response.headers().firstValue("Content-Type").orElse("no content type");
    throw new WorkloadException(
        Failure.EXCHANGE,
        shown(endpoint)
            + " answered HTTP "
            + status
            + " ("
            + Text.clean(type)
            + ") without an OAuth error: the issuer may not be Ferry, or a proxy in front of it"
            + " failed");
  }

  /**
   * 502, 503 and 504 without an OAuth error are a gateway or load balancer saying the issuer is not
   * there right now: an outage to retry, like a refused connection, not a refusal.
   */
  private static boolean unavailable(int status) {
    return status == 502 || status == 503 || status == 504;
  }

  private static WorkloadException unavailable(URI url, int status) {
    return new WorkloadException(
        Failure.NETWORK, shown(url) + " answered HTTP " + status + ": the issuer is unavailable");
  }

  /**
   * An access token is RFC 6749's VSCHARs, and without spaces here: the token is printed bare for
   * {@code $(ferry token)}, so a line break or an escape sequence would corrupt the value or the
   * terminal. The value itself is never shown.
   */
  static void requirePrintable(String token) throws WorkloadException {
    if (!token.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw new WorkloadException(
          Failure.EXCHANGE,
          "the issued access_token has characters a token cannot have (RFC 6749: printable ASCII)");
    }
  }

  /** {@code <error>: <error_description> (request id <X-Request-Id>)}, as the issue shows it. */
  static String oauthError(JsonNode body, HttpResponse<?> response) {
    StringBuilder line = new StringBuilder(Text.clean(body.path("error").asText()));
    JsonNode description = body.path("error_description");
    if (description.isTextual() && !description.asText().isBlank()) {
      line.append(": ").append(Text.clean(description.asText()));
    }
    response
        .headers()
        .firstValue("X-Request-Id")
        .filter(id -> !id.isBlank())
        .ifPresent(id -> line.append(" (request id ").append(Text.clean(id)).append(')'));
    return line.toString();
  }

  /**
   * {@code expires_in} from now, else the JWT's {@code exp}, else unknown. A token that is expired
   * already is refused: printing it would claim a success the caller's next request disproves.
   */
  private @Nullable Instant expiresAt(JsonNode expiresIn, String token) throws WorkloadException {
    Instant now = place.clock().instant();
    @Nullable Instant expiresAt =
        expiresIn.isMissingNode() || expiresIn.isNull()
            ? jwtExpiry(token)
            : now.plusSeconds(expiresInSeconds(expiresIn));
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw new WorkloadException(Failure.EXCHANGE, "the issued token is already expired");
    }
    return expiresAt;
  }

  /**
   * A positive whole number of seconds, at most {@link #MAX_EXPIRES_IN}: anything else is a broken
   * issuer, whose token's lifetime cannot be known (so neither cached nor told to kubectl).
   */
  static long expiresInSeconds(JsonNode expiresIn) throws WorkloadException {
    long seconds = 0;
    if (expiresIn.isIntegralNumber() && expiresIn.canConvertToLong()) {
      seconds = expiresIn.asLong();
    } else if (expiresIn.isTextual() && expiresIn.asText().matches("[0-9]{1,12}")) {
      seconds = Long.parseLong(expiresIn.asText());
    }
    if (seconds <= 0 || seconds > MAX_EXPIRES_IN.toSeconds()) {
      throw new WorkloadException(
          Failure.EXCHANGE, "the issuer's response has an invalid expires_in");
    }
    return seconds;
  }

  /**
   * The {@code exp} of a compact JWS, unverified: it only says when to stop reusing the token,
   * which its audience checks anyway. Null for an opaque token or one without {@code exp}.
   */
  static @Nullable Instant jwtExpiry(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonNode payload = json(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = payload == null ? null : payload.get("exp");
      return exp != null && exp.isNumber() && exp.canConvertToLong()
          ? Instant.ofEpochSecond(exp.asLong())
          : null;
    } catch (IllegalArgumentException | DateTimeException e) {
      return null;
    }
  }

  private static @Nullable JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  // ---- the transport

  /**
   * Sends {@code request} and reads its bounded body, all within {@link #timeout}: a CI step or
   * kubectl must never hang on an issuer that accepts connections and then says nothing.
   */
  private HttpResponse<byte[]> send(HttpClient http, HttpRequest request) throws WorkloadException {
    URI url = request.uri();
    CompletableFuture<HttpResponse<byte[]>> future =
        http.sendAsync(request, BoundedBody.handler(MAX_BODY));
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw network(url, "no answer within " + seconds(timeout), e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw network(url, "interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw network(url, reason(cause), cause);
    }
  }

  /**
   * Why the request failed, in a few words. The whole cause chain is looked at first: the JDK's
   * client reports an unknown host as a {@link ConnectException} caused by an {@link
   * UnresolvedAddressException}.
   */
  private String reason(Throwable failure) {
    if (inChain(failure, UnresolvedAddressException.class)
        || inChain(failure, UnknownHostException.class)) {
      return "unknown host";
    }
    if (inChain(failure, HttpConnectTimeoutException.class)) {
      return "no connection within " + seconds(timeout);
    }
    if (inChain(failure, HttpTimeoutException.class)) {
      return "no answer within " + seconds(timeout);
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return tlsFailed(t);
      }
    }
    if (inChain(failure, ConnectException.class)) {
      return "connection refused";
    }
    return failure.getMessage() == null
        ? failure.getClass().getSimpleName()
        : Text.clean(failure.getMessage());
  }

  /**
   * A TLS failure in plain words: the JDK's message names its own classes ({@code
   * sun.security...SunCertPathBuilderException}), which tell a CI user nothing. An untrusted
   * certificate, the usual case (an issuer with a private CA), says what to look into.
   */
  static String tlsFailed(Throwable failure) {
    if (inChain(failure, CertPathBuilderException.class)
        || inChain(failure, CertPathValidatorException.class)) {
      return "TLS failed: the issuer's certificate is not trusted (PKIX path building failed)";
    }
    if (inChain(failure, CertificateExpiredException.class)) {
      return "TLS failed: the issuer's certificate has expired";
    }
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      return "TLS failed";
    }
    return "TLS failed ("
        + Text.clean(JDK_CLASS_NAME.matcher(message).replaceAll("")).strip()
        + ")";
  }

  private static boolean inChain(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String seconds(Duration duration) {
    return duration.toMillisPart() == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }

  private static WorkloadException network(URI url, String reason, Throwable cause) {
    return new WorkloadException(
        Failure.NETWORK, "cannot reach " + shown(url) + ": " + reason, cause);
  }
}
