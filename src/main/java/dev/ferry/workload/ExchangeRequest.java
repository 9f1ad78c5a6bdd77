package dev.ferry.workload;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
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

  /**
   * Refuses flag combinations that cannot make a request, before any platform token is read or
   * fetched: a usage error must not cost a network call, nor hide behind a missing token.
   */
  public void validate() throws WorkloadException {
    if ("http".equals(issuer.getScheme()) && !loopback(issuer)) {
      throw new WorkloadException(
          Failure.USAGE,
          "--issuer "
              + Text.clean(issuer.toString())
              + ": use https: plain http is allowed only to a loopback address");
    }
    switch (grant) {
      case TOKEN_EXCHANGE -> {
        if (connectorId == null) {
          throw new WorkloadException(
              Failure.USAGE,
              "--grant token-exchange needs --connector: Ferry has no default connector");
        }
        if (requestedTokenType != null) {
          tokenTypeUrn(requestedTokenType);
        }
      }
      case JWT_BEARER -> refuseTokenType();
      case CLIENT_CREDENTIALS -> {
        refuseTokenType();
        if (!audiences.isEmpty() || !resources.isEmpty()) {
          throw new WorkloadException(
              Failure.USAGE,
              "--audience and --resource do not apply to --grant client-credentials: the token"
                  + " is the client's own (its aud is the client)");
        }
        if (connectorId != null) {
          throw new WorkloadException(
              Failure.USAGE,
              "--connector does not apply to --grant client-credentials: the client's"
                  + " federatedCredentials name the connector");
        }
      }
    }
  }

  private void refuseTokenType() throws WorkloadException {
    if (requestedTokenType != null) {
      throw new WorkloadException(
          Failure.USAGE,
          "--requested-token-type applies to --grant token-exchange only, not " + grant.flag());
    }
  }

  /** {@code access_token}, {@code id_token} and {@code refresh_token} stand for their URNs. */
  static String tokenTypeUrn(String type) throws WorkloadException {
    return switch (type) {
      case "access_token", "id_token", "refresh_token" ->
          "urn:ietf:params:oauth:token-type:" + type;
      default -> {
        if (type.startsWith("urn:")) {
          yield type;
        }
        throw new WorkloadException(
            Failure.USAGE,
            "--requested-token-type must be access_token, id_token, refresh_token or a URN, not "
                + Text.clean(type));
      }
    };
  }

  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  /**
   * Whether {@code url}'s host is this machine by its name alone: {@code localhost}, 127.0.0.0/8 or
   * ::1. Only there may a secret or a platform token travel over plain http; no name is resolved,
   * since DNS is what an attacker on the path could answer.
   */
  static boolean loopback(URI url) {
    String host = url.getHost();
    if (host == null) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if ("localhost".equals(name) || IPV4_LOOPBACK.matcher(name).matches()) {
      return true;
    }
    if (name.startsWith("[") && name.endsWith("]")) {
      try {
        // A bracketed IPv6 literal is parsed, not looked up.
        return InetAddress.getByName(name.substring(1, name.length() - 1)).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "ExchangeRequest[issuer=" + issuer + ", grant=" + grant + ", clientId=" + clientId + "]";
  }
}
