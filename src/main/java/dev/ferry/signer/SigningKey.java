package dev.ferry.signer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.ferry.json.GoJson;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A private JWK ready to sign: the JCA signer is built once per key, not once per token. The
 * algorithm comes from the JWK's {@code alg}, or from its type when absent (Dex:
 * server/signer/utils.go signatureAlgorithm).
 */
final class SigningKey {
  private final JWSSigner signer;
  private final JWSHeader header;

  private SigningKey(JWSSigner signer, JWSHeader header) {
    this.signer = signer;
    this.header = header;
  }

  static SigningKey of(JWK jwk) {
    try {
      JWSAlgorithm algorithm = algorithmOf(jwk);
      JWSSigner signer =
          switch (jwk) {
            case RSAKey rsa -> new RSASSASigner(rsa);
            case ECKey ec -> new ECDSASigner(ec);
            default ->
                throw new IllegalArgumentException("unsupported key type " + jwk.getKeyType());
          };
      return new SigningKey(signer, header(algorithm, jwk.getKeyID()));
    } catch (JOSEException | ParseException e) {
      throw new IllegalArgumentException("unusable signing key: " + e.getMessage(), e);
    }
  }

  /**
   * Dex's protected header is exactly {@code {"alg":...,"kid":...}} in that order with no {@code
   * typ} (Dex: server/signer/utils.go signPayload). Nimbus serializes a parsed header from its
   * original bytes, so the header is parsed from the JSON we write rather than built.
   */
  private static JWSHeader header(JWSAlgorithm algorithm, @Nullable String kid)
      throws ParseException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("alg", algorithm.getName());
    if (kid != null) {
      json.put("kid", kid);
    }
    return JWSHeader.parse(Base64URL.encode(GoJson.compact(json)));
  }

  static JWSAlgorithm algorithmOf(JWK jwk) {
    if (jwk.getAlgorithm() != null) {
      return JWSAlgorithm.parse(jwk.getAlgorithm().getName());
    }
    if (jwk instanceof ECKey ec) {
      Curve curve = ec.getCurve();
      if (Curve.P_384.equals(curve)) {
        return JWSAlgorithm.ES384;
      }
      if (Curve.P_521.equals(curve)) {
        return JWSAlgorithm.ES512;
      }
      return JWSAlgorithm.ES256;
    }
    return JWSAlgorithm.RS256;
  }

  String algorithm() {
    return header.getAlgorithm().getName();
  }

  String sign(byte[] payload) throws SigningException {
    JWSObject jws = new JWSObject(header, new Payload(payload));
    try {
      jws.sign(signer);
    } catch (JOSEException e) {
      throw new SigningException("signing failed: " + e.getMessage(), e);
    }
    return jws.serialize();
  }
}
