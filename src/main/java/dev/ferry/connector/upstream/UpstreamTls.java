package dev.ferry.connector.upstream;

import dev.ferry.connector.ConnectorException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The TLS trust used towards one upstream (Dex: pkg/httpclient NewHTTPClient): the system roots
 * plus every {@code rootCAs} entry, or no verification at all with {@code insecureSkipVerify}.
 */
public final class UpstreamTls {

  private UpstreamTls() {}

  public static SSLContext context(List<String> rootCas, boolean insecureSkipVerify)
      throws ConnectorException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      TrustManager trust =
          insecureSkipVerify ? new TrustEverything() : trustManager(readAll(rootCas));
      // No client keys; a null SecureRandom makes JSSE use its own default source.
      context.init(null, new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConnectorException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the certificates of every configured root CA entry. Like Dex, an entry is first tried as
   * a file path, then as base64-encoded PEM, then as PEM text; an entry yielding no certificate is
   * an error that names its position (the entry itself may be a whole PEM block).
   */
  public static List<X509Certificate> readAll(List<String> rootCas) throws ConnectorException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (int i = 0; i < rootCas.size(); i++) {
      String entry = rootCas.get(i);
      if (entry.isEmpty()) {
        continue;
      }
      List<X509Certificate> parsed = parse(bytesOf(entry));
      if (parsed.isEmpty()) {
        throw new ConnectorException(
            "config key \"rootCAs[" + i + "]\": no PEM certificate found in it");
      }
      certificates.addAll(parsed);
    }
    return certificates;
  }

  private static byte[] bytesOf(String entry) {
    try {
      Path path = Path.of(entry);
      if (Files.isRegularFile(path)) {
        return Files.readAllBytes(path);
      }
    } catch (InvalidPathException | IOException e) {
      // Not a readable file: try the next form, as Dex does.
    }
    try {
      return Base64.getDecoder().decode(entry.strip());
    } catch (IllegalArgumentException e) {
      return entry.getBytes(StandardCharsets.UTF_8);
    }
  }

  private static List<X509Certificate> parse(byte[] pem) {
    try {
      Collection<? extends Certificate> parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      List<X509Certificate> result = new ArrayList<>();
      for (Certificate certificate : parsed) {
        if (certificate instanceof X509Certificate x509) {
          result.add(x509);
        }
      }
      return result;
    } catch (CertificateException e) {
      return List.of();
    }
  }

  private static X509TrustManager trustManager(List<X509Certificate> extra)
      throws GeneralSecurityException {
    X509TrustManager system = fromKeyStore(null);
    if (extra.isEmpty()) {
      return system;
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    for (int i = 0; i < extra.size(); i++) {
      store.setCertificateEntry("root-ca-" + i, extra.get(i));
    }
    return new EitherTrustManager(system, fromKeyStore(store));
  }

  private static X509TrustManager fromKeyStore(@Nullable KeyStore store)
      throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager available");
  }

  /**
   * Trusts a chain the system roots or the configured roots accept, as Go's cert pool with appended
   * roots does. A plain {@link X509TrustManager}, so JSSE still checks the host name.
   */
  private record EitherTrustManager(X509TrustManager system, X509TrustManager configured)
      implements X509TrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        configured.checkServerTrusted(chain, authType);
      } catch (CertificateException notOurs) {
        system.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = system.getAcceptedIssuers();
      X509Certificate[] b = configured.getAcceptedIssuers();
      X509Certificate[] all = new X509Certificate[a.length + b.length];
      System.arraycopy(a, 0, all, 0, a.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }

  /**
   * {@code insecureSkipVerify}: accepts any certificate for any host. An extended trust manager
   * because JSSE delegates the host-name check to those, so skipping it here skips both checks,
   * which is what Go's {@code InsecureSkipVerify} does.
   */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
