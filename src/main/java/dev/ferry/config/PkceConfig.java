package dev.ferry.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code oauth2.pkce} (Dex HEAD): whether PKCE is mandatory for the authorization code flow (OAuth
 * 2.1) and which challenge methods discovery advertises and {@code /auth} accepts.
 *
 * @param codeChallengeMethodsSupported default {@code ["S256", "plain"]}
 */
public record PkceConfig(boolean enforce, List<String> codeChallengeMethodsSupported) {
  /** The methods Dex knows (RFC 7636 §4.2). */
  public static final List<String> KNOWN_METHODS = List.of("S256", "plain");

  static final PkceConfig DEFAULT = new PkceConfig(false, null);

  public PkceConfig(boolean enforce, @Nullable List<String> codeChallengeMethodsSupported) {
    this.enforce = enforce;
    this.codeChallengeMethodsSupported =
        Defaults.strings(codeChallengeMethodsSupported, KNOWN_METHODS);
  }
}
