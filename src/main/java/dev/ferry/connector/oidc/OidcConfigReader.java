package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.upstream.ConnectorConfigDecoder;
import dev.ferry.connector.upstream.UpstreamTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and checks an {@code oidc} connector config. Decoding is Go-like (see {@link
 * ConnectorConfigDecoder}).
 */
final class OidcConfigReader {

  private OidcConfigReader() {}

  /** Decodes the JSON; a type error names the key, e.g. {@code "claimMapping.email"}. */
  static OidcConfig read(String configJson) throws ConnectorException {
    return ConnectorConfigDecoder.read("oidc", configJson, OidcConfig.class);
  }

  /**
   * Every problem that makes the config unusable, each naming its key; empty when it is usable.
   * Nothing here touches the network.
   */
  static List<String> problems(OidcConfig config) {
    List<String> problems = new ArrayList<>();
    if (config.issuer().isEmpty()) {
      problems.add("oidc: config key \"issuer\" is required");
    } else if (!isHttpUrl(config.issuer())) {
      problems.add("oidc: config key \"issuer\" must be an absolute http(s) URL");
    }
    if (!config.hostedDomains().isEmpty()) {
      // Dex refuses to open such a connector.
      problems.add(
          "oidc: config key \"hostedDomains\": support for the Hosted domains option had been"
              + " deprecated and removed, consider switching to the Google connector");
    }
    OidcConfig.DiscoveryOverrides overrides = config.providerDiscoveryOverrides();
    checkUrl(problems, "providerDiscoveryOverrides.tokenURL", overrides.tokenUrl());
    checkUrl(problems, "providerDiscoveryOverrides.authURL", overrides.authUrl());
    checkUrl(problems, "providerDiscoveryOverrides.jwksURL", overrides.jwksUrl());
    checkUrl(problems, "providerDiscoveryOverrides.userInfoURL", overrides.userInfoUrl());
    checkUrl(problems, "providerDiscoveryOverrides.deviceAuthURL", overrides.deviceAuthUrl());
    checkUrl(problems, "providerDiscoveryOverrides.endSessionURL", overrides.endSessionUrl());
    try {
      UpstreamTls.readAll(config.rootCas());
    } catch (ConnectorException e) {
      problems.add("oidc: " + e.getMessage());
    }
    checkGivenKeys(problems, config);
    checkLogin(problems, config);
    return problems;
  }

  /**
   * The keys only browser login reads. {@code redirectURI} must be the absolute URL of Ferry's
   * {@code /callback} when set (Dex compares it with the callback URL at every login), and {@code
   * pkceChallenge} one of the two PKCE methods (Dex fails every login otherwise).
   */
  private static void checkLogin(List<String> problems, OidcConfig config) {
    checkUrl(problems, "redirectURI", config.redirectUri());
    String pkce = config.pkceChallenge();
    if (!pkce.isEmpty() && !pkce.equals(OidcLogin.S256) && !pkce.equals(OidcLogin.PLAIN)) {
      problems.add(
          "oidc: config key \"pkceChallenge\" must be S256 or plain (or unset to use what the"
              + " upstream advertises), got \""
              + pkce
              + "\"");
    }
  }

  /**
   * {@code jwks} / {@code jwksFile}: the key set itself (reading the file, as {@code rootCAs} are
   * read), and the keys that make no sense without an upstream to talk to.
   */
  private static void checkGivenKeys(List<String> problems, OidcConfig config) {
    JsonNode inline = config.jwks();
    boolean file = !config.jwksFile().isEmpty();
    if (inline == null && !file) {
      return;
    }
    String key = inline != null ? "jwks" : "jwksFile";
    if (inline != null && file) {
      problems.add("oidc: config keys \"jwks\" and \"jwksFile\" are exclusive: set one of them");
    }
    if (config.getUserInfo()) {
      problems.add(
          "oidc: config key \"getUserInfo\" cannot be true with \""
              + key
              + "\": userinfo needs the upstream, and Ferry contacts none when given its keys");
    }
    if (!config.providerDiscoveryOverrides().isEmpty()) {
      problems.add(
          "oidc: config key \"providerDiscoveryOverrides\" cannot be set with \""
              + key
              + "\": Ferry makes no discovery when given the upstream's keys");
    }
    if (inline != null) {
      try {
        PinnedJwks.inline(inline);
      } catch (PinnedJwks.InvalidJwks e) {
        e.problems().forEach(problem -> problems.add(jwksProblem(problem)));
      }
    }
    if (file) {
      try {
        PinnedJwks.file(jwksPath(config));
      } catch (PinnedJwks.InvalidJwks e) {
        e.problems().forEach(problem -> problems.add(jwksFileProblem(config, problem)));
      } catch (ConnectorException e) {
        problems.add(String.valueOf(e.getMessage()));
      }
    }
  }

  /** A problem of the inline {@code jwks}, worded as the other config errors are. */
  static String jwksProblem(String problem) {
    return "oidc: config key \"jwks\": " + problem;
  }

  /** A problem of the {@code jwksFile}, naming the file. */
  static String jwksFileProblem(OidcConfig config, String problem) {
    return "oidc: config key \"jwksFile\": " + config.jwksFile() + ": " + problem;
  }

  /** {@code jwksFile} as a path (relative to the working directory, like {@code rootCAs}). */
  static Path jwksPath(OidcConfig config) throws ConnectorException {
    try {
      return Path.of(config.jwksFile());
    } catch (InvalidPathException e) {
      throw new ConnectorException(
          "oidc: config key \"jwksFile\" is not a valid path: " + e.getReason());
    }
  }

  /** {@link #read} then {@link #problems}, all problems reported in one exception. */
  static OidcConfig readValid(String configJson) throws ConnectorException {
    OidcConfig config = read(configJson);
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new ConnectorException(String.join("; ", problems));
    }
    return config;
  }

  private static void checkUrl(List<String> problems, String key, String value) {
    if (!value.isEmpty() && !isHttpUrl(value)) {
      problems.add("oidc: config key \"" + key + "\" must be an absolute http(s) URL");
    }
  }

  private static boolean isHttpUrl(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
