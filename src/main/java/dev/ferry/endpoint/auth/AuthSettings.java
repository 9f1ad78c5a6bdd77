package dev.ferry.endpoint.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What the login flow reads from the configuration (Dex: server/server.go, the authflow.Handler
 * fields).
 *
 * @param issuerUrl the issuer URL; every route and callback URL is built under its path
 * @param responseTypes {@code oauth2.responseTypes}, already defaulted to {@code ["code"]}
 * @param pkceEnforce {@code oauth2.pkce.enforce}
 * @param pkceMethods {@code oauth2.pkce.codeChallengeMethodsSupported}
 * @param alwaysShowLoginScreen {@code oauth2.alwaysShowLoginScreen}
 * @param skipApprovalScreen {@code oauth2.skipApprovalScreen}
 * @param authRequestsValidFor {@code expiry.authRequests}
 */
public record AuthSettings(
    String issuerUrl,
    List<String> responseTypes,
    boolean pkceEnforce,
    List<String> pkceMethods,
    boolean alwaysShowLoginScreen,
    boolean skipApprovalScreen,
    Duration authRequestsValidFor) {

  public AuthSettings {
    responseTypes = List.copyOf(responseTypes);
    pkceMethods = List.copyOf(pkceMethods);
  }

  /** Dex's IssuerURL.AbsPath: {@code path.Join(issuerPath, items...)}. */
  String absPath(String... items) {
    String path = URI.create(issuerUrl).getRawPath();
    String joined = path == null ? "" : path;
    for (String item : items) {
      joined = joined + "/" + item;
    }
    return dev.ferry.http.Router.join("", joined);
  }

  /** Dex's IssuerURL.AbsURL: the issuer's scheme and host with {@link #absPath}. */
  String absUrl(String... items) {
    URI uri = URI.create(issuerUrl);
    return uri.getScheme() + "://" + uri.getRawAuthority() + absPath(items);
  }
}
