package dev.ferry.storage;

/** A PKCE challenge (RFC 7636); both fields are empty when no PKCE flow was started. */
public record Pkce(String codeChallenge, String codeChallengeMethod) {
  public static final Pkce NONE = new Pkce("", "");
}
