package dev.ferry.signer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;

/**
 * Generates Dex-shaped signing keys: RSA-2048 for RS256 or P-256 for ES256, with a {@code kid} of
 * 20 random bytes in lower-case hex (Dex: server/signer/rotation.go newJWKPair,
 * rotationStrategyForAlgorithm).
 */
public final class KeyGenerator {
  private final SecureRandom random;

  public KeyGenerator(SecureRandom random) {
    this.random = random;
  }

  /**
   * A new private JWK for {@code algorithm} ({@code RS256} or {@code ES256}).
   *
   * @throws IllegalArgumentException for any other algorithm
   */
  public JWK generate(String algorithm) {
    byte[] kidBytes = new byte[20];
    random.nextBytes(kidBytes);
    String kid = HexFormat.of().formatHex(kidBytes);
    try {
      return switch (algorithm) {
        case "RS256" -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(2048, random);
          KeyPair pair = generator.generateKeyPair();
          yield new RSAKey.Builder((RSAPublicKey) pair.getPublic())
              .privateKey(pair.getPrivate())
              .keyID(kid)
              .algorithm(JWSAlgorithm.RS256)
              .keyUse(KeyUse.SIGNATURE)
              .build();
        }
        case "ES256" -> {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec("secp256r1"), random);
          KeyPair pair = generator.generateKeyPair();
          yield new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
              .privateKey(pair.getPrivate())
              .keyID(kid)
              .algorithm(JWSAlgorithm.ES256)
              .keyUse(KeyUse.SIGNATURE)
              .build();
        }
        default ->
            throw new IllegalArgumentException(
                "unsupported signing algorithm \"" + algorithm + "\" (RS256 or ES256)");
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
    }
  }
}
