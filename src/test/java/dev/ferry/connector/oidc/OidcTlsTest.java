package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** TLS towards the upstream: {@code rootCAs} in its three forms, and {@code insecureSkipVerify}. */
class OidcTlsTest {

  private static final MutableClock CLOCK = MutableClock.atFixedStart();
  private static UpstreamIssuer upstream;

  @BeforeAll
  static void startUpstream() {
    upstream = UpstreamIssuer.builder().clock(CLOCK).tls(true).start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.close();
  }

  static Stream<Arguments> trustedBy() throws Exception {
    String pem = UpstreamIssuer.testCaPem();
    Path file = Files.createTempFile("ferry-ca", ".pem");
    file.toFile().deleteOnExit();
    Files.writeString(file, pem);
    return Stream.of(
        Arguments.of("PEM text", Map.of("rootCAs", List.of(pem))),
        Arguments.of(
            "base64 PEM",
            Map.of(
                "rootCAs",
                List.of(
                    Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))))),
        Arguments.of("file path", Map.of("rootCAs", List.of(file.toString()))),
        Arguments.of("insecureSkipVerify", Map.of("insecureSkipVerify", true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trustedBy")
  void httpsUpstreamIsReachedWhenTrusted(String name, Map<String, Object> tls) throws Exception {
    assertThat(upstream.issuer()).startsWith("https://");
    try (OidcConnector connector = TestConnectors.open(upstream, CLOCK, tls)) {
      assertThat(connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity().userId())
          .isEqualTo("subvalue");
    }
  }

  @Test
  void untrustedCertificateIsRefused() throws Exception {
    try (OidcConnector connector = TestConnectors.open(upstream, CLOCK, Map.of())) {
      assertThat(connector.upstreamProblem()).isPresent();
      assertThatThrownBy(
              () -> connector.tokenIdentity(ID_TOKEN, upstream.token().build()).identity())
          .isInstanceOf(IdentityException.class);
    }
  }
}
