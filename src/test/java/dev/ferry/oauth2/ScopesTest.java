package dev.ferry.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScopesTest {

  @Test
  void scopesSplitOnAnyWhitespaceLikeGo() {
    assertThat(Scopes.parse(" openid\temail\n\u00a0profile  "))
        .containsExactly("openid", "email", "profile");
    assertThat(Scopes.parse("")).isEmpty();
  }

  @Test
  void orderAndDuplicatesAreKeptAsStringsFieldsDoes() {
    assertThat(Scopes.parse("email openid\u0085email\u2028groups"))
        .containsExactly("email", "openid", "email", "groups");
  }
}
