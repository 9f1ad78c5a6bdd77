package dev.ferry.oauth2;

/** Scope values with a meaning in Dex (Dex: server/oauth2.go scope constants). */
public final class Scopes {
  public static final String OPENID = "openid";
  public static final String EMAIL = "email";
  public static final String PROFILE = "profile";
  public static final String GROUPS = "groups";
  public static final String OFFLINE_ACCESS = "offline_access";
  public static final String FEDERATED_ID = "federated:id";

  /** Prefix of a cross-client scope: {@code audience:server:client_id:<peer>}. */
  public static final String CROSS_CLIENT_PREFIX = "audience:server:client_id:";

  private Scopes() {}
}
