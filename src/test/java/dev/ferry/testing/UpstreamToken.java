package dev.ferry.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds one upstream token, by default a valid RS256 ID token of its {@link UpstreamIssuer}:
 * {@code iss}, {@code sub=subvalue}, {@code name=namevalue}, {@code aud=clientID}, {@code iat=now},
 * {@code exp=now+1h}, header {@code {alg, kid, typ}}. Every part can be changed or broken,
 * including the raw header, the raw payload and the signing method, for attack tests.
 */
public final class UpstreamToken {

  /** How the token is signed. */
  public enum Signing {
    /** The issuer's current RSA key (published in its JWKS). */
    RSA,
    /** The issuer's EC P-256 key (published in its JWKS). */
    EC,
    /** The issuer's Ed25519 key (published in its JWKS). */
    ED25519,
    /** A fresh RSA key the issuer never published. */
    UNPUBLISHED_RSA,
    /** HS256 with the DER bytes of the issuer's RSA public key as the secret (alg confusion). */
    HMAC_WITH_PUBLIC_KEY,
    /** RS256 by a 1024-bit RSA key that the issuer publishes (too short: RFC 7518 §3.3). */
    WEAK_RSA,
    /** No signature at all ({@code alg} stays whatever the header says, default {@code none}). */
    NONE
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final UpstreamIssuer issuer;
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Object> claims = new LinkedHashMap<>();
  private Signing signing = Signing.RSA;
  private @Nullable String rawPayload;
  private @Nullable Consumer<byte[]> payloadTamper;
  private boolean register = true;

  UpstreamToken(UpstreamIssuer issuer, Instant now) {
    this.issuer = issuer;
    header.put("alg", "RS256");
    header.put("kid", issuer.rsaKey().getKeyID());
    header.put("typ", "JWT");
    claims.put("iss", issuer.issuer());
    claims.put("sub", "subvalue");
    claims.put("name", "namevalue");
    claims.put("aud", "clientID");
    claims.put("iat", now.getEpochSecond());
    claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
  }

  public UpstreamToken claim(String name, @Nullable Object value) {
    claims.put(name, value);
    return this;
  }

  public UpstreamToken claims(Map<String, ?> values) {
    claims.putAll(values);
    return this;
  }

  public UpstreamToken without(String claim) {
    claims.remove(claim);
    return this;
  }

  /** Drops every default claim: only what is added afterwards is in the payload. */
  public UpstreamToken noClaims() {
    claims.clear();
    return this;
  }

  public UpstreamToken issuer(String iss) {
    return claim("iss", iss);
  }

  public UpstreamToken subject(String sub) {
    return claim("sub", sub);
  }

  public UpstreamToken audience(Object aud) {
    return claim("aud", aud);
  }

  public UpstreamToken expiresAt(Instant exp) {
    return claim("exp", exp.getEpochSecond());
  }

  public UpstreamToken notBefore(Instant nbf) {
    return claim("nbf", nbf.getEpochSecond());
  }

  public UpstreamToken header(String name, @Nullable Object value) {
    if (value == null) {
      header.remove(name);
    } else {
      header.put(name, value);
    }
    return this;
  }

  public UpstreamToken kid(@Nullable String kid) {
    return header("kid", kid);
  }

  public UpstreamToken alg(String alg) {
    return header("alg", alg);
  }

  /** Signs with {@code signing}; also sets {@code alg} and {@code kid} to match it. */
  public UpstreamToken signedWith(Signing signing) {
    this.signing = signing;
    switch (signing) {
      case RSA -> header("alg", "RS256").kid(issuer.rsaKey().getKeyID());
      case EC -> header("alg", "ES256").kid(issuer.ecKey().getKeyID());
      case ED25519 -> header("alg", "EdDSA").kid(issuer.edKeyId());
      case UNPUBLISHED_RSA -> header("alg", "RS256").kid(issuer.rsaKey().getKeyID());
      case HMAC_WITH_PUBLIC_KEY -> header("alg", "HS256").kid(issuer.rsaKey().getKeyID());
      case WEAK_RSA -> header("alg", "RS256").kid(issuer.weakRsaKey().getKeyID());
      case NONE -> header("alg", "none").kid(null);
    }
    return this;
  }

  /** Uses this exact text as the payload instead of the claims. */
  public UpstreamToken rawPayload(String payload) {
    this.rawPayload = payload;
    return this;
  }

  /** Changes the payload bytes after signing (the signature then no longer matches). */
  public UpstreamToken tamperPayload(Consumer<byte[]> tamper) {
    this.payloadTamper = tamper;
    return this;
  }

  /** Keeps the issuer's userinfo endpoint from recognising this token as a bearer token. */
  public UpstreamToken unknownToUserInfo() {
    this.register = false;
    return this;
  }

  /** The compact JWS. Unless told otherwise the issuer's userinfo answers it with its claims. */
  public String build() {
    try {
      byte[] headerBytes = JSON.writeValueAsBytes(header);
      byte[] payloadBytes =
          rawPayload != null
              ? rawPayload.getBytes(StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(claims);
      String signingInput =
          Base64URL.encode(headerBytes).toString() + "." + Base64URL.encode(payloadBytes);
      String signature = sign(signingInput.getBytes(StandardCharsets.US_ASCII));
      String payloadPart = Base64URL.encode(payloadBytes).toString();
      if (payloadTamper != null) {
        byte[] tampered = payloadBytes.clone();
        payloadTamper.accept(tampered);
        payloadPart = Base64URL.encode(tampered).toString();
      }
      String token = Base64URL.encode(headerBytes) + "." + payloadPart + "." + signature;
      if (register) {
        issuer.remember(token, new String(payloadBytes, StandardCharsets.UTF_8));
      }
      return token;
    } catch (JsonProcessingException | JOSEException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build test token", e);
    }
  }

  private String sign(byte[] input) throws JOSEException, GeneralSecurityException {
    return switch (signing) {
      case RSA -> rsa(issuer.rsaKey(), input);
      case UNPUBLISHED_RSA -> rsa(IssuerKeys.newRsaKey("unpublished"), input);
      case EC -> {
        ECKey key = issuer.ecKey();
        yield new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256), input).toString();
      }
      case ED25519 -> {
        Signature ed = Signature.getInstance("Ed25519");
        PrivateKey key = issuer.edPrivateKey();
        ed.initSign(key);
        ed.update(input);
        yield Base64URL.encode(ed.sign()).toString();
      }
      case HMAC_WITH_PUBLIC_KEY ->
          new MACSigner(issuer.rsaKey().toRSAPublicKey().getEncoded())
              .sign(new JWSHeader(JWSAlgorithm.HS256), input)
              .toString();
      case WEAK_RSA -> {
        // Nimbus's signer refuses keys under 2048 bits; the JDK signs with any.
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(issuer.weakRsaKey().toRSAPrivateKey());
        rsa.update(input);
        yield Base64URL.encode(rsa.sign()).toString();
      }
      case NONE -> "";
    };
  }

  private String rsa(RSAKey key, byte[] input) throws JOSEException {
    JWSAlgorithm alg = JWSAlgorithm.parse(String.valueOf(header.getOrDefault("alg", "RS256")));
    if (!JWSAlgorithm.Family.RSA.contains(alg)) {
      alg = JWSAlgorithm.RS256;
    }
    return new RSASSASigner(key).sign(new JWSHeader(alg), input).toString();
  }
}
