package dev.ferry.oauth2;

/** Token type URNs of RFC 8693 §3. */
public final class TokenTypes {
  public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
  public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
  public static final String REFRESH_TOKEN = "urn:ietf:params:oauth:token-type:refresh_token";
  public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

  private TokenTypes() {}
}
