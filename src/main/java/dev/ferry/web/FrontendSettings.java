package dev.ferry.web;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the login pages are built from: the web package's own view of Dex's {@code frontend} section
 * (Dex: server/config.go WebConfig), plus what the pages need to know of the listener.
 *
 * @param issuerPath the issuer URL's path ({@code /dex} for {@code https://host/dex}, empty or
 *     {@code /} at the root); the asset URLs in the pages are absolute paths under it
 * @param dir a directory of Ferry-format templates and assets that overrides the built-in ones file
 *     by file, or empty for the built-in ones only
 * @param issuer the name shown on the pages ({@code frontend.issuer}, Dex's default {@code dex})
 * @param logoUrl the logo's URL: absolute, or a path relative to the issuer; empty for the theme's
 *     own logo
 * @param theme the theme directory's name; empty, {@code coreos} and {@code tectonic} mean {@code
 *     light}, as in Dex
 * @param extra the operator's values, available to templates as {@code extra.<key>}
 * @param operatorHeaders the listener's {@code web.headers}: a header named there replaces the
 *     pages' own security header of the same name (so an operator's {@code Content-Security-Policy}
 *     wins)
 */
public record FrontendSettings(
    String issuerPath,
    Optional<Path> dir,
    String issuer,
    String logoUrl,
    String theme,
    Map<String, String> extra,
    Map<String, String> operatorHeaders) {

  public FrontendSettings {
    extra = Map.copyOf(extra);
    operatorHeaders = Map.copyOf(operatorHeaders);
  }

  /** The built-in pages and assets with Dex's defaults, at {@code issuerPath}. */
  public static FrontendSettings defaults(String issuerPath) {
    return new FrontendSettings(issuerPath, Optional.empty(), "dex", "", "", Map.of(), Map.of());
  }
}
