package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import dev.ferry.connector.upstream.UpstreamHttp;
import dev.ferry.connector.upstream.UpstreamJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * OpenID Connect Discovery 1.0 §4 against one upstream, with Dex's rules: the document's {@code
 * issuer} must equal the configured issuer exactly unless {@code issuerAlias} is set, and any
 * {@code providerDiscoveryOverrides} replace the discovered URLs (Dex: oidc getProvider).
 */
final class Discovery {

  /** The algorithms go-oidc accepts at all; anything else in the discovery list is dropped. */
  static final Set<JWSAlgorithm> SUPPORTED_ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.EdDSA);

  private final OidcConfig config;
  private final UpstreamHttp http;
  private final URI documentUri;

  Discovery(OidcConfig config, UpstreamHttp http) {
    this.config = config;
    this.http = http;
    this.documentUri = documentUri(config.issuer());
  }

  /** {@code <issuer without trailing slash>/.well-known/openid-configuration}. */
  static URI documentUri(String issuer) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return URI.create(base + "/.well-known/openid-configuration");
  }

  /** Fetches and checks the document. The message of a failure is fit for the log. */
  ProviderMetadata discover() throws IOException {
    UpstreamHttp.Response response = http.get(documentUri, null);
    if (response.status() != 200) {
      throw new IOException(
          "oidc: discovery "
              + documentUri
              + " answered HTTP "
              + response.status()
              + " ("
              + response.describeBody()
              + ")");
    }
    ObjectNode document;
    try {
      document = UpstreamJson.object(response.text());
    } catch (IOException e) {
      throw new IOException(
          "oidc: failed to decode provider discovery object at "
              + documentUri
              + ": "
              + e.getMessage()
              + " ("
              + response.describeBody()
              + ")");
    }
    String discoveredIssuer = text(document, "issuer").orElse("");
    if (config.issuerAlias().isEmpty() && !discoveredIssuer.equals(config.issuer())) {
      throw new IOException(
          "oidc: issuer URL provided to client (\""
              + config.issuer()
              + "\") did not match the issuer URL returned by provider (\""
              + discoveredIssuer
              + "\")");
    }
    OidcConfig.DiscoveryOverrides overrides = config.providerDiscoveryOverrides();
    // Dex rebuilds the provider from the document when any override is set, and the rebuilt
    // provider expects the document's issuer; otherwise the alias (if any) is what tokens carry.
    String expectedIssuer =
        !overrides.isEmpty()
            ? discoveredIssuer
            : config.issuerAlias().isEmpty() ? config.issuer() : config.issuerAlias();
    Optional<URI> jwks = url(document, "jwks_uri", overrides.jwksUrl());
    Optional<URI> userInfo = url(document, "userinfo_endpoint", overrides.userInfoUrl());
    // Only browser login uses these: an unusable one fails that login, never token exchange.
    Optional<URI> authorization =
        lenientUrl(document, "authorization_endpoint", overrides.authUrl());
    Optional<URI> token = lenientUrl(document, "token_endpoint", overrides.tokenUrl());
    return new ProviderMetadata(
        expectedIssuer,
        jwks,
        userInfo,
        algorithms(document),
        authorization,
        token,
        codeChallengeMethods(document));
  }

  /**
   * {@code code_challenge_methods_supported}; anything but an array of strings counts as none (Dex
   * logs that it could not read the metadata and goes on without PKCE).
   */
  private static List<String> codeChallengeMethods(ObjectNode document) {
    JsonNode list = document.get("code_challenge_methods_supported");
    List<String> methods = new ArrayList<>();
    if (list != null && list.isArray()) {
      for (JsonNode value : list) {
        if (!value.isTextual()) {
          return List.of();
        }
        methods.add(value.asText());
      }
    }
    return methods;
  }

  private static Set<JWSAlgorithm> algorithms(ObjectNode document) throws IOException {
    JsonNode list = document.get("id_token_signing_alg_values_supported");
    Set<JWSAlgorithm> accepted = new LinkedHashSet<>();
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new IOException(
            "oidc: discovery id_token_signing_alg_values_supported is not an array");
      }
      for (JsonNode value : list) {
        if (value.isTextual()) {
          JWSAlgorithm alg = JWSAlgorithm.parse(value.asText());
          if (SUPPORTED_ALGORITHMS.contains(alg)) {
            accepted.add(alg);
          }
        }
      }
    }
    return accepted.isEmpty() ? Set.of(JWSAlgorithm.RS256) : accepted;
  }

  private Optional<URI> url(ObjectNode document, String key, String override) throws IOException {
    String value = override.isEmpty() ? text(document, key).orElse("") : override;
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IOException("oidc: discovery " + key + " is not an absolute http(s) URL: " + value);
  }

  private Optional<URI> lenientUrl(ObjectNode document, String key, String override) {
    try {
      return url(document, key, override);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> text(ObjectNode document, String key) throws IOException {
    JsonNode value = document.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new IOException("oidc: discovery " + key + " is not a string");
    }
    return Optional.of(value.asText());
  }
}
