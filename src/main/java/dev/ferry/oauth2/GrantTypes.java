package dev.ferry.oauth2;

import java.util.List;

/**
 * Grant type identifiers (RFC 6749 §4, RFC 8628 §3.4, RFC 8693 §2.1, RFC 7523 §2) as Dex spells
 * them.
 */
public final class GrantTypes {
  public static final String AUTHORIZATION_CODE = "authorization_code";
  public static final String REFRESH_TOKEN = "refresh_token";
  public static final String IMPLICIT = "implicit";
  public static final String PASSWORD = "password";
  public static final String CLIENT_CREDENTIALS = "client_credentials";
  public static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
  public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

  /** RFC 7523 §2.1, a Ferry extension: Dex does not serve it. */
  public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** RFC 7523 §2.2: {@code client_assertion_type} of a JWT client assertion. */
  public static final String CLIENT_ASSERTION_JWT_BEARER =
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /**
   * What connector {@code grantTypes} may name: every grant type Dex knows (Dex HEAD), and the JWT
   * bearer grant, which verifies its assertion through a connector (Ferry).
   */
  public static final List<String> CONNECTOR_GRANT_TYPES =
      List.of(
          AUTHORIZATION_CODE,
          REFRESH_TOKEN,
          IMPLICIT,
          PASSWORD,
          DEVICE_CODE,
          TOKEN_EXCHANGE,
          JWT_BEARER);

  private GrantTypes() {}
}
