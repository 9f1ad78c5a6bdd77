package dev.ferry.connector.gitlab;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads and checks a {@code gitlab} connector config. Decoding follows Go's {@code encoding/json}
 * as Dex uses it: unknown keys are ignored, key names match case-insensitively, and a value of the
 * wrong JSON type is an error naming the key (no {@code "true"} for true, no lone string for a
 * list).
 */
final class GitlabConfigReader {

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
          .readerFor(GitlabConfig.class);

  private GitlabConfigReader() {}

  /** Decodes the JSON; a type error names the key, e.g. {@code "groups[1]"}. */
  static GitlabConfig read(String configJson) throws ConnectorException {
    if (configJson.isBlank()) {
      throw new ConnectorException("gitlab: connector config is empty");
    }
    try {
      GitlabConfig config = READER.readValue(configJson);
      if (config == null) {
        throw new ConnectorException("gitlab: connector config must be a JSON object");
      }
      return config;
    } catch (MismatchedInputException e) {
      String key = path(e);
      if (key.isEmpty()) {
        throw new ConnectorException("gitlab: connector config must be a JSON object", e);
      }
      throw new ConnectorException(
          "gitlab: config key \"" + key + "\": expected " + describe(e.getTargetType()), e);
    } catch (JsonMappingException e) {
      throw new ConnectorException(
          "gitlab: config key \"" + path(e) + "\": " + e.getOriginalMessage(), e);
    } catch (JacksonException e) {
      throw new ConnectorException(
          "gitlab: connector config is not valid JSON: " + e.getOriginalMessage(), e);
    }
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
