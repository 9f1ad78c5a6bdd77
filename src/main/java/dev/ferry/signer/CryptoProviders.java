package dev.ferry.signer;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Security;

/**
 * Installs the Amazon Corretto Crypto Provider as the preferred JCA provider when this platform can
 * load it: RS256 signing, the ceiling of a token exchange, is several times faster with it
 * (docs/benchmarks.md, JMH results: 843 RS256 signatures/s with the JDK, 3,521 with ACCP).
 * Elsewhere the JDK's providers stay in charge.
 */
public final class CryptoProviders {
  private CryptoProviders() {}

  /** Installs ACCP if it is healthy here; returns a description of the provider in use. */
  public static String installPreferred() {
    try {
      AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
      if (accp.getLoadingError() != null) {
        return "JDK (ACCP unavailable: " + accp.getLoadingError().getMessage() + ")";
      }
      accp.assertHealthy();
      if (Security.getProvider(accp.getName()) == null) {
        AmazonCorrettoCryptoProvider.install();
      }
      return accp.getName() + " " + accp.getVersionStr();
    } catch (RuntimeException | LinkageError e) {
      return "JDK (ACCP unavailable: " + e.getMessage() + ")";
    }
  }
}
