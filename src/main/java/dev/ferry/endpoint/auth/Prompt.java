package dev.ferry.endpoint.auth;

import dev.ferry.oauth2.GoQuote;
import java.util.ArrayList;
import java.util.List;

/**
 * The OIDC {@code prompt} parameter (OpenID Connect Core §3.1.2.1) as Dex reads it (Dex:
 * server/oauth2/prompt.go ParsePrompt): space-separated, duplicates ignored, {@code none} alone.
 */
record Prompt(boolean none, boolean login, boolean consent, boolean selectAccount) {

  static final Prompt EMPTY = new Prompt(false, false, false, false);

  /** The prompt, or an {@link IllegalArgumentException} whose message Dex would show. */
  static Prompt parse(String raw) {
    boolean none = false;
    boolean login = false;
    boolean consent = false;
    boolean selectAccount = false;
    for (String value : dev.ferry.oauth2.Scopes.parse(raw)) {
      switch (value) {
        case "none" -> none = true;
        case "login" -> login = true;
        case "consent" -> consent = true;
        case "select_account" -> selectAccount = true;
        default ->
            throw new IllegalArgumentException("invalid prompt value " + GoQuote.quote(value));
      }
    }
    if (none && (login || consent || selectAccount)) {
      throw new IllegalArgumentException("prompt=none must not be combined with other values");
    }
    return new Prompt(none, login, consent, selectAccount);
  }

  /** The stored form: {@code none}, or the others in a fixed order. */
  @Override
  public String toString() {
    if (none) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    if (login) {
      parts.add("login");
    }
    if (consent) {
      parts.add("consent");
    }
    if (selectAccount) {
      parts.add("select_account");
    }
    return String.join(" ", parts);
  }
}
