package dev.ferry.connector.upstream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.ferry.connector.ConnectorException;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a connector's JSON {@code config} into its record the way Go's {@code encoding/json}
 * fills Dex's config structs: unknown keys are ignored, key names match case-insensitively, and a
 * value of the wrong JSON type is an error naming the key (no {@code "true"} for true, no number
 * for a string). Every message starts with the connector type, e.g. {@code oidc: config key
 * "claimMapping.email": expected a string}.
 */
public final class ConnectorConfigDecoder {
  private static final ObjectMapper MAPPER =
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
          .build();

  private ConnectorConfigDecoder() {}

  /**
   * Decodes {@code configJson} of a connector of {@code type} into {@code target}.
   *
   * @throws ConnectorException naming the key when the JSON does not fit
   */
  public static <T> T read(String type, String configJson, Class<T> target)
      throws ConnectorException {
    if (configJson.isBlank()) {
      throw new ConnectorException(type + ": connector config is empty");
    }
    try {
      T config = MAPPER.readerFor(target).readValue(configJson);
      if (config == null) {
        throw new ConnectorException(type + ": connector config must be a JSON object");
      }
      return config;
    } catch (MismatchedInputException e) {
      String key = path(e);
      if (key.isEmpty()) {
        throw new ConnectorException(type + ": connector config must be a JSON object", e);
      }
      throw new ConnectorException(
          type + ": config key \"" + key + "\": expected " + describe(e.getTargetType()), e);
    } catch (JsonMappingException e) {
      throw new ConnectorException(
          type + ": config key \"" + path(e) + "\": " + e.getOriginalMessage(), e);
    } catch (JacksonException e) {
      throw new ConnectorException(
          type + ": connector config is not valid JSON: " + e.getOriginalMessage(), e);
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
