package dev.ferry.connector.gitlab;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.upstream.ConnectorConfigDecoder;
import dev.ferry.connector.upstream.UpstreamTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads and checks a {@code gitlab} connector config. Decoding is Go-like (see {@link
 * ConnectorConfigDecoder}).
 */
final class GitlabConfigReader {

  private GitlabConfigReader() {}

  /** Decodes the JSON; a type error names the key, e.g. {@code "groups[1]"}. */
  static GitlabConfig read(String configJson) throws ConnectorException {
    return ConnectorConfigDecoder.read("gitlab", configJson, GitlabConfig.class);
  }

  /**
   * Every problem that makes the config unusable, each naming its key; empty when it is usable.
   * Nothing here touches the network.
   */
  static List<String> problems(GitlabConfig config) {
    List<String> problems = new ArrayList<>();
    if (!isBaseUrl(config.baseUrl())) {
      // Dex does not check baseURL and fails on every request instead; failing at open says why.
      problems.add(
          "gitlab: config key \"baseURL\" must be an absolute http(s) URL without query or"
              + " fragment");
    }
    try {
      rootCaPem(config);
    } catch (ConnectorException e) {
      problems.add(String.valueOf(e.getMessage()));
    }
    return problems;
  }

  /** {@link #read} then {@link #problems}, all problems reported in one exception. */
  static GitlabConfig readValid(String configJson) throws ConnectorException {
    GitlabConfig config = read(configJson);
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new ConnectorException(String.join("; ", problems));
    }
    return config;
  }

  /**
   * The decoded {@code rootCAData}, empty when unset. Dex hands the decoded bytes to the same
   * loader as the oidc {@code rootCAs} entries (file path, base64 PEM or PEM text), so {@link
   * UpstreamTls#readAll} reads it here too; anything without a certificate is Dex's "invalid
   * rootCAData".
   */
  static Optional<String> rootCaPem(GitlabConfig config) throws ConnectorException {
    if (config.rootCaData().isEmpty()) {
      return Optional.empty();
    }
    String pem;
    try {
      pem = new String(goBase64(config.rootCaData()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConnectorException(
          "gitlab: config key \"rootCAData\": expected base64 (standard alphabet, padded)", e);
    }
    try {
      UpstreamTls.readAll(List.of(pem));
    } catch (ConnectorException e) {
      throw new ConnectorException(
          "gitlab: config key \"rootCAData\": invalid rootCAData, no PEM certificate in it", e);
    }
    return Optional.of(pem);
  }

  /**
   * Go decodes a JSON string into {@code []byte} with {@code base64.StdEncoding}: padding is
   * required, and CR and LF are skipped.
   */
  private static byte[] goBase64(String text) {
    String compact = text.replace("\r", "").replace("\n", "");
    if (compact.length() % 4 != 0) {
      throw new IllegalArgumentException("base64 length is not a multiple of 4");
    }
    return Base64.getDecoder().decode(compact);
  }

  private static boolean isBaseUrl(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
