package dev.ferry.endpoint.auth;

import dev.ferry.http.Router;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@code Location} of a redirect back to a client from its (registered, exactly matched)
 * {@code redirect_uri}, the way Dex builds it with Go's {@code url.Parse}, {@code URL.Query} and
 * {@code URL.String} (Dex: server/authflow/request.go redirectedAuthErr.Handler, response.go
 * writeResponse): the query is re-encoded with its keys sorted, a fragment set by the implicit flow
 * is escaped as Go escapes {@code URL.Fragment}, and a URI Go cannot parse yields nothing.
 */
final class ClientRedirect {
  private final String beforeQuery;
  private final String rawQuery;
  private final Optional<String> rawFragment;

  private ClientRedirect(String beforeQuery, String rawQuery, Optional<String> rawFragment) {
    this.beforeQuery = beforeQuery;
    this.rawQuery = rawQuery;
    this.rawFragment = rawFragment;
  }

  /** The URI split as Go's {@code url.Parse} splits it; empty when Go refuses it. */
  static Optional<ClientRedirect> parse(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.empty(); // net/url: invalid control character in URL
      }
    }
    if (uri.startsWith(":")) {
      return Optional.empty(); // missing protocol scheme
    }
    int hash = uri.indexOf('#');
    String rest = hash < 0 ? uri : uri.substring(0, hash);
    Optional<String> fragment = hash < 0 ? Optional.empty() : Optional.of(uri.substring(hash + 1));
    if (fragment.isPresent() && !GoUrl.validEscapes(fragment.get())) {
      return Optional.empty();
    }
    int question = rest.indexOf('?');
    String before = question < 0 ? rest : rest.substring(0, question);
    String query = question < 0 ? "" : rest.substring(question + 1);
    if (!GoUrl.validEscapes(before)) {
      return Optional.empty(); // invalid URL escape in the path
    }
    return Optional.of(new ClientRedirect(before, query, fragment));
  }

  /**
   * The URI with {@code values} added to its query ({@code URL.Query()}, {@code Add} or {@code
   * Set}, {@code Encode}): values already there are kept, re-encoded in Go's order.
   *
   * @param replace Go's {@code Set} (the code response) rather than {@code Add} (an error response)
   */
  String withQuery(Map<String, String> values, boolean replace) {
    Map<String, List<String>> query = GoUrl.lenientQuery(rawQuery);
    values.forEach((name, value) -> {
      if (replace) {
        query.put(name, new ArrayList<>(List.of(value)));
      } else {
        query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    });
    return ascii(beforeQuery)
        + "?"
        + GoUrl.encode(query)
        + rawFragment.map(f -> "#" + ascii(f)).orElse("");
  }

  /** The URI with its fragment replaced by the encoded {@code values} (implicit and hybrid). */
  String withFragment(Map<String, List<String>> values) {
    String query = rawQuery.isEmpty() ? "" : "?" + ascii(rawQuery);
    return ascii(beforeQuery) + query + "#" + GoUrl.escapeFragment(GoUrl.encode(values));
  }

  /**
   * Every character outside ASCII percent-encoded as its UTF-8 bytes, as Go's {@code URL.String}
   * writes a path, host or fragment that holds them: a {@code Location} header carries bytes, and a
   * raw {@code é} or U+2028 there is neither valid nor what the client registered.
   */
  private static String ascii(String s) {
    if (s.chars().allMatch(c -> c < 0x80)) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    s.codePoints()
        .forEach(c -> {
          if (c < 0x80) {
            out.append((char) c);
          } else {
            for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
              out.append('%').append(String.format("%02X", b & 0xff));
            }
          }
        });
    return out.toString();
  }

  /**
   * Go's {@code http.Redirect} for a location without scheme or host: resolved against the
   * directory of the request's path. Absolute URLs and absolute paths are returned unchanged.
   */
  static String resolve(String requestPath, String location) {
    if (hasScheme(location) || location.startsWith("/")) {
      return location;
    }
    int end = location.length();
    for (int i = 0; i < location.length(); i++) {
      if (location.charAt(i) == '?' || location.charAt(i) == '#') {
        end = i;
        break;
      }
    }
    String pathPart = location.substring(0, end);
    String dir = requestPath.substring(0, requestPath.lastIndexOf('/') + 1);
    String joined = Router.join("", dir + pathPart);
    if (pathPart.endsWith("/") && !joined.endsWith("/")) {
      joined += "/";
    }
    return joined + location.substring(end);
  }

  /** Go's getScheme: a letter, then letters, digits, {@code + - .}, up to a colon. */
  private static boolean hasScheme(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        continue;
      }
      if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        if (i == 0) {
          return false;
        }
        continue;
      }
      return c == ':' && i > 0;
    }
    return false;
  }
}
