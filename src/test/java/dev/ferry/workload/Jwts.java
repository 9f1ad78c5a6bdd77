package dev.ferry.workload;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;

/** Signed JWTs for source tests; the signature is never checked on the workload side. */
final class Jwts {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private Jwts() {}

  static String expiringAt(Instant exp, String subject) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer("https://platform.example")
            .subject(subject)
            .audience("ferry")
            .expirationTime(Date.from(exp))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(SECRET));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
