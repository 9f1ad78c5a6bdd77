package dev.ferry.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the value Go's {@code encoding/json} would decode into a struct field, for code that reads
 * a parsed tree instead of binding a record: Dex's config file, its storage columns, upstream API
 * answers. The one implementation of that rule in Ferry.
 *
 * <p>Go walks the object's keys in document order and sends each to the field whose name equals the
 * key exactly or, failing that, equals it under Unicode simple case folding; a later key overwrites
 * what an earlier one decoded (Go: encoding/json/decode.go {@code object}, {@code
 * fields.byExactName} then {@code fields.byFoldedName}). For a field named in ASCII, as every Dex
 * field is, folding matches ASCII letters without regard to case plus two non-ASCII runes: {@code
 * ſ} (U+017F) for {@code s} and the Kelvin sign (U+212A) for {@code k}. So of {@code {"id":1,
 * "ID":2}} the field {@code ID} gets 2, and of {@code {"ID":2,"id":1}} it gets 1.
 *
 * <p>A {@code null} value is what Go makes of it: a string, number or bool field is left as it was
 * (Go: decode.go {@code literalStore}, "ignore null for primitives/string"), so {@link #scalar}
 * skips it; a slice, map, pointer or interface field is reset, so {@link #value} ends empty.
 *
 * <p>The tree is Jackson's, which keeps one entry per exact key at the place of its first
 * occurrence: {@code {"id":1,"ID":2,"id":3}} reads as {@code id} 3 then {@code ID} 2, and this
 * lookup answers 2 where Go answers 3. Readers of untrusted JSON refuse exact duplicate keys when
 * parsing ({@code UpstreamJson}), which removes that case.
 */
public final class GoFieldLookup {
  private static final int LONG_S = 0x017F;
  private static final int KELVIN = 0x212A;

  private GoFieldLookup() {}

  /**
   * What Go decodes into a string, number or bool field {@code name}: the last matching key whose
   * value is not {@code null}. Empty when no key matches or every match is {@code null}.
   */
  public static Optional<JsonNode> scalar(JsonNode object, String name) {
    JsonNode found = null;
    for (JsonNode value : all(object, name)) {
      if (!value.isNull()) {
        found = value;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * What Go decodes into a slice, map, pointer or interface field {@code name}: the last matching
   * key's value. Empty when no key matches or the last match is {@code null}.
   */
  public static Optional<JsonNode> value(JsonNode object, String name) {
    List<JsonNode> values = all(object, name);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    JsonNode last = values.get(values.size() - 1);
    return last.isNull() ? Optional.empty() : Optional.of(last);
  }

  /**
   * The values of every key that Go sends to field {@code name}, in the tree's order; empty when
   * {@code object} is not an object.
   */
  public static List<JsonNode> all(JsonNode object, String name) {
    List<JsonNode> values = new ArrayList<>();
    if (object.isObject()) {
      for (Map.Entry<String, JsonNode> entry : object.properties()) {
        if (matches(entry.getKey(), name)) {
          values.add(entry.getValue());
        }
      }
    }
    return values;
  }

  /** Whether Go's decoder sends JSON key {@code key} to a struct field named {@code name}. */
  public static boolean matches(String key, String name) {
    if (key.equals(name)) {
      return true;
    }
    int k = 0;
    int n = 0;
    while (k < key.length() && n < name.length()) {
      int kc = key.codePointAt(k);
      int nc = name.codePointAt(n);
      if (!foldEqual(kc, nc)) {
        return false;
      }
      k += Character.charCount(kc);
      n += Character.charCount(nc);
    }
    return k == key.length() && n == name.length();
  }

  private static boolean foldEqual(int a, int b) {
    if (a == b) {
      return true;
    }
    return fold(a) == fold(b);
  }

  /**
   * One representative of the rune's case-folding orbit. Exact for the orbits that contain an ASCII
   * letter (Go: encoding/json/fold.go {@code foldName}); elsewhere an approximation through upper
   * then lower case, which only matters for field names outside ASCII.
   */
  private static int fold(int c) {
    if (c < 0x80) {
      return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
    }
    if (c == LONG_S) {
      return 'S';
    }
    if (c == KELVIN) {
      return 'K';
    }
    int folded = Character.toLowerCase(Character.toUpperCase(c));
    // Only the two runes above fold onto ASCII in Go; keep e.g. dotless ı away from i.
    return folded < 0x80 ? c : folded;
  }
}
