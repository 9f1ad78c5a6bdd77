package dev.ferry.connector.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.connector.SubjectToken;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns upstream claims (a parsed JWT payload, a userinfo answer, a provider API's user object)
 * into the plain values of a {@link dev.ferry.connector.VerifiedSubject}: maps, lists, strings,
 * numbers and booleans, and reads a JWT's registered claims (RFC 7519 §4.1) into a {@link
 * SubjectToken}.
 */
public final class SubjectClaims {

  private SubjectClaims() {}

  /** The claims as JSON-like Java values; JSON {@code null}s are left out. */
  public static Map<String, Object> toMap(ObjectNode claims) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : claims.properties()) {
      Optional<Object> value = value(field.getValue());
      value.ifPresent(v -> out.put(field.getKey(), v));
    }
    return out;
  }

  private static Optional<Object> value(JsonNode node) {
    if (node instanceof ObjectNode object) {
      return Optional.of(toMap(object));
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(element -> value(element).ifPresent(list::add));
      return Optional.of(list);
    }
    if (node.isTextual()) {
      return Optional.of(node.textValue());
    }
    if (node.isBoolean()) {
      return Optional.of(node.booleanValue());
    }
    if (node.isNumber()) {
      return Optional.of(node.numberValue());
    }
    return Optional.empty();
  }

  /**
   * The metadata of a JWT from its verified payload: {@code iss}, {@code aud} (a string or an array
   * of strings, RFC 7519 §4.1.3), {@code iat}, {@code exp} (NumericDate, fractions kept to the
   * millisecond) and {@code jti}. A claim of the wrong JSON type counts as absent.
   */
  public static SubjectToken jwt(String type, ObjectNode payload) {
    JsonNode aud = payload.path("aud");
    List<String> audience = new ArrayList<>();
    if (aud.isTextual()) {
      audience.add(aud.textValue());
    } else if (aud.isArray()) {
      aud.forEach(element -> {
        if (element.isTextual()) {
          audience.add(element.textValue());
        }
      });
    }
    JsonNode iss = payload.path("iss");
    JsonNode jti = payload.path("jti");
    return new SubjectToken(
        type,
        iss.isTextual() ? iss.textValue() : "",
        audience,
        numericDate(payload.path("iat")),
        numericDate(payload.path("exp")),
        jti.isTextual() ? Optional.of(jti.textValue()) : Optional.empty());
  }

  private static Optional<Instant> numericDate(JsonNode node) {
    if (!node.isNumber()) {
      return Optional.empty();
    }
    try {
      BigDecimal millis = node.decimalValue().movePointRight(3);
      return Optional.of(
          Instant.ofEpochMilli(millis.setScale(0, RoundingMode.FLOOR).longValueExact()));
    } catch (ArithmeticException | DateTimeException e) {
      return Optional.empty();
    }
  }
}
