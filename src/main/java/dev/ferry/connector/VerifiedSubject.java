package dev.ferry.connector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a connector learned from a subject token it verified: the token's metadata, the upstream
 * claims (the token's own claims merged with userinfo's when userinfo was fetched, userinfo winning
 * as in Dex: connector/oidc/oidc.go createIdentity) and the {@link Identity} mapped from them. The
 * policy step between verification and issuance reads this; the issuer uses only {@code identity}.
 *
 * @param claims JSON-like values only (String, Number, Boolean, List, Map), deeply immutable; JSON
 *     {@code null} members and elements are left out
 */
public record VerifiedSubject(SubjectToken token, Map<String, Object> claims, Identity identity) {

  public VerifiedSubject {
    claims = jsonObject(claims);
  }

  /**
   * A JSON object as claims are held: deeply immutable, only JSON-like values, {@code null} members
   * and elements left out.
   *
   * @throws IllegalArgumentException for a value that is not JSON-like
   */
  public static Map<String, Object> jsonObject(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((key, value) -> {
      if (key != null && value != null) {
        copy.put(key.toString(), immutable(value));
      }
    });
    return Collections.unmodifiableMap(copy);
  }

  private static Object immutable(Object value) {
    if (value instanceof Map<?, ?> map) {
      return jsonObject(map);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        if (element != null) {
          copy.add(immutable(element));
        }
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
  }
}
