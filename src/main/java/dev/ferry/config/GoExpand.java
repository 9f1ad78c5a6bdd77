package dev.ferry.config;

import java.util.Map;

/**
 * Go's {@code os.Expand} with the environment as mapping, as Dex applies it to config strings.
 *
 * <p>The rules, which differ from a shell's: {@code $NAME} and {@code ${NAME}} expand ({@code NAME}
 * is {@code [A-Za-z0-9_]+} without braces, anything up to the first <code>}</code> with them); one
 * special character after {@code $} ({@code *#$@!?-} or a digit) is itself a name, so {@code $$}
 * reads the variable "$"; <code>${}</code> and an unterminated <code>${</code> are dropped; a
 * {@code $} at the end or before any other character stays literally. Unset variables expand to "".
 */
final class GoExpand {
  private GoExpand() {}

  static String expand(String s, Map<String, String> env) {
    StringBuilder out = null;
    int copiedUpTo = 0;
    for (int j = 0; j < s.length(); j++) {
      if (s.charAt(j) != '$' || j + 1 >= s.length()) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() * 2);
      }
      out.append(s, copiedUpTo, j);
      String rest = s.substring(j + 1);
      Name name = shellName(rest);
      if (name.text().isEmpty() && name.width() > 0) {
        // Bad syntax ("${}" or an unterminated "${"): Go eats the characters.
      } else if (name.text().isEmpty()) {
        out.append('$'); // "$" not followed by a name stays as it is
      } else {
        out.append(env.getOrDefault(name.text(), ""));
      }
      j += name.width();
      copiedUpTo = j + 1;
    }
    if (out == null) {
      return s;
    }
    return out.append(s, copiedUpTo, s.length()).toString();
  }

  private record Name(String text, int width) {}

  private static Name shellName(String s) {
    char first = s.charAt(0);
    if (first == '{') {
      if (s.length() > 2 && isShellSpecial(s.charAt(1)) && s.charAt(2) == '}') {
        return new Name(s.substring(1, 2), 3);
      }
      for (int i = 1; i < s.length(); i++) {
        if (s.charAt(i) == '}') {
          if (i == 1) {
            return new Name("", 2); // "${}"
          }
          return new Name(s.substring(1, i), i + 1);
        }
      }
      return new Name("", 1); // "${" without "}"
    }
    if (isShellSpecial(first)) {
      return new Name(s.substring(0, 1), 1);
    }
    int i = 0;
    while (i < s.length() && isAlphaNum(s.charAt(i))) {
      i++;
    }
    return new Name(s.substring(0, i), i);
  }

  private static boolean isShellSpecial(char c) {
    return "*#$@!?-".indexOf(c) >= 0 || (c >= '0' && c <= '9');
  }

  private static boolean isAlphaNum(char c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
