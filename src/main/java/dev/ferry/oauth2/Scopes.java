package dev.ferry.oauth2;

import java.util.ArrayList;
import java.util.List;

/** Scope values with a meaning in Dex (Dex: server/oauth2.go scope constants). */
public final class Scopes {
  public static final String OPENID = "openid";
  public static final String EMAIL = "email";
  public static final String PROFILE = "profile";
  public static final String GROUPS = "groups";
  public static final String OFFLINE_ACCESS = "offline_access";
  public static final String FEDERATED_ID = "federated:id";

  /** Prefix of a cross-client scope: {@code audience:server:client_id:<peer>}. */
  public static final String CROSS_CLIENT_PREFIX = "audience:server:client_id:";

  private Scopes() {}

  /**
   * The {@code scope} parameter as Dex splits it (Dex: server/handlers.go, {@code
   * strings.Fields(r.PostFormValue("scope"))}): on runs of Unicode white space, empty parts
   * dropped, order and duplicates kept. RFC 6749 §3.3 names only the space; Dex is more lenient and
   * Ferry answers as Dex does.
   */
  public static List<String> parse(String scope) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= scope.length(); i++) {
      boolean space = i == scope.length() || isGoSpace(scope.charAt(i));
      if (space && start >= 0) {
        out.add(scope.substring(start, i));
        start = -1;
      } else if (!space && start < 0) {
        start = i;
      }
    }
    return List.copyOf(out);
  }

  /** Go's {@code unicode.IsSpace}, which also counts NEL (U+0085). */
  private static boolean isGoSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }
}
