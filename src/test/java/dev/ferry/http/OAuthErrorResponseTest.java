package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.cpu.CpuBusyException;
import dev.ferry.oauth2.OAuthError;
import dev.ferry.oauth2.OAuthException;
import org.junit.jupiter.api.Test;

/** The single OAuth error renderer (Dex: oauth2.WriteError). */
class OAuthErrorResponseTest {

  @Test
  void bareErrorHasNoDescription() {
    HttpResponse r = OAuthErrorResponse.render(OAuthError.ACCESS_DENIED);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.bodyText()).isEqualTo("{\"error\":\"access_denied\"}");
    assertThat(r.headers()).containsEntry("Content-Type", "application/json");
    assertThat(r.headers()).containsEntry("Content-Length", "25");
    assertThat(r.headers()).doesNotContainKeys("Cache-Control", "WWW-Authenticate");
  }

  @Test
  void descriptionIsEscapedLikeGoAndStatusOverridesApply() {
    HttpResponse r =
        OAuthErrorResponse.render(
            new OAuthException(OAuthError.ACCESS_DENIED, "a<b>&\"c\u2028")
                .withStatus(403)
                .withWwwAuthenticate("Bearer"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.bodyText())
        .isEqualTo(
            "{\"error\":\"access_denied\",\"error_description\":\"a\\u003cb\\u003e\\u0026\\\"c\\u2028\"}");
    assertThat(r.headers()).containsEntry("www-authenticate", "Bearer");
  }

  @Test
  void protocolErrorsAreRenderedAsThrown() {
    HttpResponse r =
        OAuthErrorResponse.of(
            new OAuthException(OAuthError.ACCESS_DENIED, "Invalid bearer token.")
                .withStatus(403)
                .withWwwAuthenticate("Bearer"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.bodyText())
        .isEqualTo("{\"error\":\"access_denied\",\"error_description\":\"Invalid bearer token.\"}");
    assertThat(r.headers()).containsEntry("www-authenticate", "Bearer");
  }

  @Test
  void protocolErrorWithACauseSendsOnlyTheError() {
    HttpResponse r =
        OAuthErrorResponse.of(
            new OAuthException(
                OAuthError.SERVER_ERROR, null, new IllegalStateException("secret detail")));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).isEqualTo("{\"error\":\"server_error\"}");
  }

  @Test
  void saturatedPoolIsABusyAnswer() {
    HttpResponse r = OAuthErrorResponse.of(new CpuBusyException("worker queue full"));
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.bodyText()).contains("\"error\":\"temporarily_unavailable\"");
    assertThat(r.headers()).containsEntry("Retry-After", "1");
  }

  @Test
  void anyOtherExceptionIsAServerErrorThatRevealsNothing() {
    for (Exception e :
        new Exception[] {
          new IllegalArgumentException("peer (x) does not trust client"),
          new NullPointerException("bug"),
          new java.io.IOException("disk")
        }) {
      HttpResponse r = OAuthErrorResponse.of(e);
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.bodyText()).isEqualTo("{\"error\":\"server_error\"}");
    }
  }
}
