package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTPS from PEM files (web.https, tlsCert, tlsKey, tlsMinVersion/tlsMaxVersion). */
class HttpServerTlsTest {

  private static Path resource(String name) throws Exception {
    return Path.of(HttpServerTlsTest.class.getResource("/tls/" + name).toURI());
  }

  private static HttpClient clientTrusting(String certName, String... protocols) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = HttpServerTlsTest.class.getResourceAsStream("/tls/" + certName)) {
      trust.setCertificateEntry(
          "ferry", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), new SecureRandom());
    SSLParameters parameters = new SSLParameters();
    if (protocols.length > 0) {
      parameters.setProtocols(protocols);
    }
    return HttpClient.newBuilder()
        .sslContext(context)
        .sslParameters(parameters)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpServer start(String cert, String key, String min, String max)
      throws Exception {
    HttpServerSettings settings =
        HttpServerSettings.builder()
            .httpsAddress("127.0.0.1:0")
            .tls(resource(cert).toString(), resource(key).toString())
            .tlsVersions(min, max)
            .build();
    HttpServer server =
        new HttpServer(
            settings,
            Router.builder("", new SecureRandom())
                .route("/healthz", r -> dev.ferry.http.HttpResponse.text(200, "secure=" + r.path()))
                .build());
    server.start();
    return server;
  }

  @ParameterizedTest
  @CsvSource({"rsa.crt, rsa-pkcs8.key", "rsa.crt, rsa-pkcs1.key", "ec.crt, ec-sec1.key"})
  void servesHttpsFromPemFiles(String cert, String key) throws Exception {
    try (HttpServer server = start(cert, key, "", "")) {
      assertThat(server.httpPort()).isEmpty();
      HttpResponse<String> response =
          clientTrusting(cert)
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "https://127.0.0.1:" + server.httpsPort().orElseThrow() + "/healthz"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("secure=/healthz");
    }
  }

  @Test
  void minimumVersionIsEnforced() throws Exception {
    try (HttpServer server = start("rsa.crt", "rsa-pkcs8.key", "1.3", "1.3")) {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("https://127.0.0.1:" + server.httpsPort().orElseThrow() + "/healthz"))
              .timeout(Duration.ofSeconds(10))
              .build();
      assertThatThrownBy(() ->
              clientTrusting("rsa.crt", "TLSv1.2")
                  .send(request, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
      assertThat(
              clientTrusting("rsa.crt", "TLSv1.3")
                  .send(request, HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "'', '', TLSv1.2 TLSv1.3",
    "1.3, '', TLSv1.3",
    "'', 1.2, TLSv1.2",
    "1.2, 1.2, TLSv1.2"
  })
  void versionRange(String min, String max, String expected) {
    assertThat(String.join(" ", HttpServer.protocols(min, max))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"1.3, 1.2", "1.1, ''", "'', 1.0", "TLS1.2, ''"})
  void badVersionsAreRejected(String min, String max) {
    assertThatThrownBy(() -> HttpServer.protocols(min, max))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void httpsNeedsCertAndKeyAndSomeListenerIsRequired() {
    assertThatThrownBy(() ->
            new HttpServer(
                HttpServerSettings.builder().httpsAddress("127.0.0.1:0").build(),
                Router.builder("", new SecureRandom()).build()))
        .hasMessage("no cert specified for HTTPS");
    assertThatThrownBy(() ->
            new HttpServer(
                HttpServerSettings.builder().build(),
                Router.builder("", new SecureRandom()).build()))
        .hasMessage("must supply a HTTP/HTTPS address to listen on");
  }

  private static int statusTrusting(String certName, HttpServer server) {
    try {
      return clientTrusting(certName)
          .send(
              HttpRequest.newBuilder(
                      URI.create(
                          "https://127.0.0.1:" + server.httpsPort().orElseThrow() + "/healthz"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestart(@TempDir Path dir) throws Exception {
    // Dex reloads web.tlsCert/tlsKey when the files change (cert-manager renews them in place).
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Files.copy(resource("rsa.crt"), cert);
    Files.copy(resource("rsa-pkcs8.key"), key);
    HttpServerSettings settings =
        HttpServerSettings.builder()
            .httpsAddress("127.0.0.1:0")
            .tls(cert.toString(), key.toString())
            .tlsReloadInterval(Duration.ofMillis(100))
            .build();
    try (HttpServer server =
        new HttpServer(
            settings,
            Router.builder("", new SecureRandom())
                .route("/healthz", r -> dev.ferry.http.HttpResponse.text(200, "ok"))
                .build())) {
      server.start();
      assertThat(statusTrusting("rsa.crt", server)).isEqualTo(200);

      // Half a renewal (the new certificate, the old key) is not taken up.
      // Each check below is the one the reload timer runs, awaited instead of slept for.
      Files.copy(resource("ec.crt"), cert, StandardCopyOption.REPLACE_EXISTING);
      server.checkTlsFiles().get(10, TimeUnit.SECONDS);
      assertThat(statusTrusting("rsa.crt", server)).isEqualTo(200);

      Files.copy(resource("ec-sec1.key"), key, StandardCopyOption.REPLACE_EXISTING);
      server.checkTlsFiles().get(10, TimeUnit.SECONDS);
      assertThat(statusTrusting("ec.crt", server)).isEqualTo(200);
      assertThat(statusTrusting("rsa.crt", server)).isEqualTo(-1);
    }
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRejectedAtStart() {
    // Go's tls.LoadX509KeyPair: "private key does not match public key".
    assertThatThrownBy(() -> start("rsa.crt", "ec-sec1.key", "", ""))
        .isInstanceOf(java.security.GeneralSecurityException.class)
        .hasMessageContaining("private key does not match public key");
    assertThatThrownBy(() -> PemKeyStore.load(resource("ec.crt"), resource("rsa-pkcs1.key")))
        .hasMessageContaining("private key does not match public key");
  }

  @Test
  void keyFileWithoutAKeyIsRejected() {
    assertThatThrownBy(() ->
            PemKeyStore.readKey("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"))
        .isInstanceOf(java.security.GeneralSecurityException.class);
  }
}
