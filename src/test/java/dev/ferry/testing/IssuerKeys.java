package dev.ferry.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The signing keys of an {@link UpstreamIssuer}: an RSA key that can rotate, an EC P-256 key and an
 * Ed25519 key (generated with the JDK, as Nimbus would need Tink), plus any extra published keys.
 */
final class IssuerKeys {

  private volatile RSAKey rsa;
  private final ECKey ec;
  private final OctetKeyPair ed;
  private final PrivateKey edPrivate;
  private final List<JWK> extra = new CopyOnWriteArrayList<>();
  private @Nullable RSAKey weakRsa;
  private volatile boolean publishEc = true;
  private volatile boolean publishEd = true;

  IssuerKeys() {
    this.rsa = newRsaKey("rsa-1");
    try {
      this.ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).generate();
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      // The raw key is the last 32 bytes of the SubjectPublicKeyInfo (RFC 8410 §4).
      byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
      this.ed =
          new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw))
              .keyID("ed-1")
              .keyUse(KeyUse.SIGNATURE)
              .build();
      this.edPrivate = pair.getPrivate();
    } catch (JOSEException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static RSAKey newRsaKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  RSAKey rsa() {
    return rsa;
  }

  ECKey ec() {
    return ec;
  }

  String edKeyId() {
    return String.valueOf(ed.getKeyID());
  }

  PrivateKey edPrivate() {
    return edPrivate;
  }

  synchronized RSAKey weakRsa() {
    RSAKey key = weakRsa;
    if (key == null) {
      try {
        key = new RSAKeyGenerator(1024, true).keyID("rsa-1024").keyUse(KeyUse.SIGNATURE).generate();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      weakRsa = key;
      publish(key);
    }
    return key;
  }

  RSAKey rotateRsa() {
    rsa = newRsaKey("rsa-" + UUID.randomUUID());
    return rsa;
  }

  RSAKey replaceRsaKeepingKid() {
    rsa = newRsaKey(String.valueOf(rsa.getKeyID()));
    return rsa;
  }

  void publish(JWK key) {
    extra.add(key.toPublicJWK());
  }

  void publishEc(boolean publish) {
    this.publishEc = publish;
  }

  void publishEd(boolean publish) {
    this.publishEd = publish;
  }

  JWKSet jwks() {
    List<JWK> keys = new ArrayList<>();
    keys.add(rsa.toPublicJWK());
    if (publishEc) {
      keys.add(ec.toPublicJWK());
    }
    if (publishEd) {
      keys.add(ed);
    }
    keys.addAll(extra);
    return new JWKSet(keys);
  }
}
