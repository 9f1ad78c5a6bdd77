package dev.ferry.endpoint.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.storage.Client;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which redirect URIs a client may use (Dex: server/authflow/request_test.go TestValidRedirectURI,
 * the same table), plus loopback spellings Go's parser accepts or refuses.
 */
class RedirectUrisTest {

  @ParameterizedTest(name = "public={0} registered=[{1}] uri={2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "false | http://foo.com/bar | http://foo.com/bar | true",
        "false | http://foo.com/bar | http://foo.com/bar/baz | false",
        "true | | urn:ietf:wg:oauth:2.0:oob | true",
        "true | | /device/callback | true",
        "true | | http://localhost:8080/ | true",
        "true | | http://localhost:991/bar | true",
        "true | | http://localhost | true",
        "true | | http://127.0.0.1:8080/ | true",
        "true | | http://127.0.0.1:991/bar | true",
        "true | | http://127.0.0.1 | true",
        "true | http://foo.com/bar | http://foo.com/bar | true",
        "true | http://foo.com/bar | http://foo.com/bar/baz | false",
        "true | http://foo.com/bar | urn:ietf:wg:oauth:2.0:oob | false",
        "true | http://foo.com/bar | /device/callback | false",
        "true | http://foo.com/bar | http://localhost:8080/ | false",
        "true | http://foo.com/bar | http://localhost:991/bar | false",
        "true | http://foo.com/bar | http://localhost | false",
        "true | http://foo.com/bar,urn:ietf:wg:oauth:2.0:oob | urn:ietf:wg:oauth:2.0:oob | true",
        "true | http://foo.com/bar,/device/callback | /device/callback | true",
        "true | http://foo.com/bar,http://localhost:8080/ | http://localhost:8080/ | true",
        "true | http://foo.com/bar,http://localhost:991/bar | http://localhost:991/bar | true",
        "true | http://foo.com/bar,http://localhost | http://localhost | true",
        "true | | http://foo.com/bar | false",
        "true | | http://localhost.localhost:8080/ | false",
        // Beyond Dex's table: what Go's url.Parse and net.ParseIP make of other spellings.
        "true | | http://[::1]:8080/cb | true",
        "true | | http://127.1.2.3:80/ | true",
        "true | | https://localhost:8080/ | false",
        "true | | http://localhost@evil.example/ | false",
        "true | | http://evil.example#@localhost/ | false",
        "true | | http://127.0.0.1.evil.example/ | false",
        "true | | http://0177.0.0.1/ | false",
        "false | | http://localhost:8080/ | false",
        // Go's url.Parse: a port is digits ("invalid port"); a backslash is no part of a host.
        "true | | http://localhost:/cb | true",
        "true | | http://localhost:evil.com/cb | false",
        "true | | http://127.0.0.1:x\\y | false",
        "true | | http://[::1]:evil/cb | false",
        "true | | http://127.0.0.1\\@evil.example/ | false",
        "true | | http://localhost:80\\evil.example/ | false",
        // Go's url.Parse refuses a control character or a malformed escape anywhere.
        "true | | http://localhost:8080/%zz | false",
        "true | | http://localhost:8080/a\u0001b | false",
        "true | | http://localhost:8080/a\tb | false",
        "true | | http://localhost:8080/\u007f | false",
      })
  void allowed(boolean isPublic, String registered, String uri, boolean expected) {
    List<String> uris = registered == null ? List.of() : List.of(registered.split(","));
    Client client =
        Client.of("c", isPublic ? "" : "s", "C").withPublic(isPublic).withRedirectUris(uris);
    assertThat(RedirectUris.allowed(client, uri)).isEqualTo(expected);
  }
}
