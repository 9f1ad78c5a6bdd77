package dev.ferry.bench;

import dev.ferry.signer.CryptoProviders;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Chooses the JCA provider a benchmark fork signs with. JMH runs every parameter combination in a
 * fresh fork, so installing the Amazon Corretto Crypto Provider for {@code accp} cannot leak into a
 * {@code jdk} run.
 */
final class CryptoSetup {
  private CryptoSetup() {}

  /**
   * Installs ACCP when {@code provider} is {@code accp} (as {@code ferry serve} does at start-up)
   * and fails when it cannot be installed, so that an ACCP figure is never silently a JDK one.
   */
  static void use(String provider) {
    switch (provider) {
      case "jdk" -> {}
      case "accp" -> {
        String installed = CryptoProviders.installPreferred();
        if (!installed.startsWith("AmazonCorrettoCryptoProvider")) {
          throw new IllegalStateException("ACCP requested but not usable: " + installed);
        }
      }
      default -> throw new IllegalArgumentException("provider is jdk or accp: " + provider);
    }
  }

  /**
   * The provider that actually runs {@code jcaAlgorithm} (e.g. {@code SHA256withRSA}) with {@code
   * key}: JCA picks it only at {@code initSign}, so asking is the only way to be sure.
   */
  static String signingProvider(String jcaAlgorithm, PrivateKey key) {
    try {
      Signature signature = Signature.getInstance(jcaAlgorithm);
      signature.initSign(key);
      return signature.getProvider().getName();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The provider that actually runs {@code jcaAlgorithm} verification with {@code key}. */
  static String verifyingProvider(String jcaAlgorithm, PublicKey key) {
    try {
      Signature signature = Signature.getInstance(jcaAlgorithm);
      signature.initVerify(key);
      return signature.getProvider().getName();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JCA signature algorithm behind a JWS algorithm Ferry signs with. */
  static String jcaAlgorithm(String jwsAlgorithm) {
    return switch (jwsAlgorithm) {
      case "RS256" -> "SHA256withRSA";
      case "ES256" -> "SHA256withECDSA";
      default -> throw new IllegalArgumentException("RS256 or ES256: " + jwsAlgorithm);
    };
  }
}
