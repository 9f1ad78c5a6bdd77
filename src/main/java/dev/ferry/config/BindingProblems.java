package dev.ferry.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns Jackson's binding failures into {@link Problems} and carries on with a zero value, so that
 * a file with three type errors reports three problems. Unknown keys are recorded only in strict
 * mode ({@code DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS}); otherwise Dex ignores them.
 *
 * <p>Messages never include the offending value: it could be a secret in the wrong place.
 */
final class BindingProblems extends DeserializationProblemHandler {
  private final Problems problems;
  private final boolean strict;

  BindingProblems(Problems problems, boolean strict) {
    this.problems = problems;
    this.strict = strict;
  }

  @Override
  public boolean handleUnknownProperty(
      DeserializationContext ctxt,
      JsonParser p,
      JsonDeserializer<?> deserializer,
      Object beanOrClass,
      String propertyName)
      throws IOException {
    if (strict) {
      problems.add(KeyPath.ofField(p, propertyName), "unknown field \"" + propertyName + "\"");
    }
    p.skipChildren();
    return true;
  }

  @Override
  public @Nullable Object handleUnexpectedToken(
      DeserializationContext ctxt,
      JavaType targetType,
      JsonToken t,
      JsonParser p,
      String failureMsg)
      throws IOException {
    String key = KeyPath.ofValue(p);
    p.skipChildren();
    problems.add(key, "expected " + expected(targetType.getRawClass()) + ", got " + describe(t));
    return zero(targetType.getRawClass());
  }

  @Override
  public @Nullable Object handleWeirdStringValue(
      DeserializationContext ctxt, Class<?> targetType, String valueToConvert, String failureMsg) {
    problems.add(
        KeyPath.ofValue(ctxt.getParser()),
        "expected " + expected(targetType) + ", got a string that is not one");
    return zero(targetType);
  }

  @Override
  public @Nullable Object handleWeirdNumberValue(
      DeserializationContext ctxt, Class<?> targetType, Number valueToConvert, String failureMsg) {
    problems.add(
        KeyPath.ofValue(ctxt.getParser()),
        "expected " + expected(targetType) + ", got a number that is not one");
    return zero(targetType);
  }

  @Override
  public @Nullable Object handleMissingInstantiator(
      DeserializationContext ctxt,
      Class<?> instClass,
      ValueInstantiator valueInsta,
      JsonParser p,
      String msg)
      throws IOException {
    String key = KeyPath.ofValue(p);
    JsonToken token = p.currentToken();
    p.skipChildren();
    problems.add(key, "expected " + expected(instClass) + ", got " + describe(token));
    return null;
  }

  static String describe(@Nullable JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT, END_OBJECT, FIELD_NAME -> "a mapping";
      case START_ARRAY, END_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "a value of another kind";
    };
  }

  static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    } else if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    } else if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    } else if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    return "a mapping";
  }

  private static @Nullable Object zero(Class<?> type) {
    if (type == String.class) {
      return "";
    } else if (type == boolean.class || type == Boolean.class) {
      return false;
    } else if (Collection.class.isAssignableFrom(type)) {
      return new ArrayList<>();
    } else if (Map.class.isAssignableFrom(type)) {
      return new LinkedHashMap<>();
    }
    return null; // a section or config block: its record's defaults apply
  }
}
