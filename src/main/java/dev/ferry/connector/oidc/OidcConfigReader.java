package dev.ferry.connector.oidc;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.upstream.UpstreamTls;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads and checks an {@code oidc} connector config. Decoding follows Go's {@code encoding/json} as
 * Dex uses it: unknown keys are ignored, key names match case-insensitively, and a value of the
 * wrong JSON type is an error (no "true" for true).
 */
final class OidcConfigReader {

  private static final ObjectReader READER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfig(
              LogicalType.Textual,
              textual ->
                  textual
                      .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .build()
          .readerFor(OidcConfig.class);

  private OidcConfigReader() {}

  /** Decodes the JSON; a type error names the key, e.g. {@code "claimMapping.email"}. */
  static OidcConfig read(String configJson) throws ConnectorException {
    if (configJson.isBlank()) {
      throw new ConnectorException("oidc: connector config is empty");
    }
    try {
      OidcConfig config = READER.readValue(configJson);
      if (config == null) {
        throw new ConnectorException("oidc: connector config must be a JSON object");
      }
      return config;
    } catch (MismatchedInputException e) {
      String key = path(e);
      if (key.isEmpty()) {
        throw new ConnectorException("oidc: connector config must be a JSON object", e);
      }
      throw new ConnectorException(
          "oidc: config key \"" + key + "\": expected " + describe(e.getTargetType()), e);
    } catch (JsonMappingException e) {
      throw new ConnectorException(
          "oidc: config key \"" + path(e) + "\": " + e.getOriginalMessage(), e);
    } catch (JacksonException e) {
      throw new ConnectorException(
          "oidc: connector config is not valid JSON: " + e.getOriginalMessage(), e);
    }
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
    return problems;
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

  private static String describe(@Nullable Class<?> type) {
    if (type == null) {
      return "another JSON type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  private static String path(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(ref ->
                ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining());
    return path.startsWith(".") ? path.substring(1) : path;
  }
}
