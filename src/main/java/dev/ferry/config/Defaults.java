package dev.ferry.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Null handling for records bound by Jackson: an absent key arrives as null and becomes Go's zero
 * value (empty string, empty list), since Dex's config structs start from zero values.
 */
final class Defaults {
  private Defaults() {}

  static String str(@Nullable String value) {
    return value == null ? "" : value;
  }

  static String str(@Nullable String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** A copy without nulls: a null list item is Go's zero value, the empty string. */
  static List<String> strings(@Nullable List<? extends @Nullable String> values) {
    if (values == null) {
      return List.of();
    }
    List<String> copy = new ArrayList<>(values.size());
    for (String value : values) {
      copy.add(str(value));
    }
    return Collections.unmodifiableList(copy);
  }

  /** Dex replaces an empty list (absent or {@code []}) with a default list. */
  static List<String> strings(
      @Nullable List<? extends @Nullable String> values, List<String> fallback) {
    List<String> copy = strings(values);
    return copy.isEmpty() ? fallback : copy;
  }

  /** A copy in which a null item (an empty YAML list entry) is the record's zero value. */
  static <T> List<T> items(@Nullable List<? extends @Nullable T> values, Supplier<T> zero) {
    if (values == null) {
      return List.of();
    }
    List<T> copy = new ArrayList<>(values.size());
    for (T value : values) {
      copy.add(value == null ? zero.get() : value);
    }
    return Collections.unmodifiableList(copy);
  }

  static Map<String, String> map(@Nullable Map<String, ? extends @Nullable String> values) {
    if (values == null) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, str(v)));
    return Collections.unmodifiableMap(copy);
  }

  static <T> T orElse(@Nullable T value, T fallback) {
    return value == null ? fallback : value;
  }
}
