package dev.ferry.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a PEM certificate chain and private key (Dex: {@code web.tlsCert}, {@code web.tlsKey}) into
 * an in-memory key store for Jetty. Accepts the key encodings Go's {@code tls.X509KeyPair} does:
 * PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}).
 * The JDK reads only PKCS#8, so the other two are wrapped into PKCS#8 first.
 */
public final class PemKeyStore {
  /** The in-memory store's password; it never leaves the process. */
  static final char[] PASSWORD = "ferry".toCharArray();

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final byte[] RSA_OID = {
    0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };
  private static final byte[] EC_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemKeyStore() {}

  public static KeyStore load(Path certFile, Path keyFile)
      throws IOException, GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    for (Certificate c :
        factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile)))) {
      chain.add(c);
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + certFile);
    }
    PrivateKey key = readKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
    requireMatchingPair(chain.get(0).getPublicKey(), key);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("ferry", key, PASSWORD, chain.toArray(new Certificate[0]));
    return store;
  }

  /**
   * Go's {@code tls.X509KeyPair} refuses a key that does not belong to the certificate; Jetty would
   * take the pair and fail every handshake. Checked by signing with the key and verifying with the
   * certificate's public key.
   */
  static void requireMatchingPair(PublicKey certificateKey, PrivateKey key)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> "";
        };
    if (algorithm.isEmpty()) {
      return; // a key type Go does not load either; the handshake will tell
    }
    byte[] probe = "ferry key pair check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificateKey);
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (InvalidKeyException | SignatureException e) {
      matches = false; // e.g. an EC key with an RSA certificate
    }
    if (!matches) {
      throw new GeneralSecurityException("tls: private key does not match public key");
    }
  }

  static PrivateKey readKey(String pem) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (m.group(1)) {
        case "PRIVATE KEY" -> {
          return pkcs8(der, "RSA", "EC", "Ed25519");
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(wrap(sequence(RSA_OID, new byte[] {0x05, 0x00}), der), "RSA");
        }
        case "EC PRIVATE KEY" -> {
          return pkcs8(wrap(sequence(EC_OID, curveOf(der)), der), "EC");
        }
        default -> {
          // EC PARAMETERS and the like precede the key in some files.
        }
      }
    }
    throw new GeneralSecurityException("no private key found in PEM");
  }

  private static PrivateKey pkcs8(byte[] der, String... algorithms)
      throws GeneralSecurityException {
    GeneralSecurityException last = new GeneralSecurityException("unsupported private key");
    for (String algorithm : algorithms) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }. */
  private static byte[] wrap(byte[] algorithmIdentifier, byte[] key) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithmIdentifier);
    body.writeBytes(tlv(0x04, key));
    return tlv(0x30, body.toByteArray());
  }

  /** AlgorithmIdentifier ::= SEQUENCE { OID, parameters }. */
  private static byte[] sequence(byte[] oid, byte[] parameters) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(tlv(0x06, oid));
    body.writeBytes(parameters);
    return tlv(0x30, body.toByteArray());
  }

  /** The named-curve OID (TLV) from SEC1's {@code [0] parameters}. */
  private static byte[] curveOf(byte[] sec1) throws GeneralSecurityException {
    int[] pos = {0};
    Tlv outer = readTlv(sec1, pos);
    pos[0] = outer.valueStart;
    while (pos[0] < outer.valueStart + outer.length) {
      Tlv field = readTlv(sec1, pos);
      if (field.tag == 0xa0) {
        int[] inner = {field.valueStart};
        Tlv oid = readTlv(sec1, inner);
        byte[] out = new byte[inner[0] - field.valueStart];
        System.arraycopy(sec1, field.valueStart, out, 0, out.length);
        if (oid.tag != 0x06) {
          break;
        }
        return out;
      }
      pos[0] = field.valueStart + field.length;
    }
    throw new GeneralSecurityException("EC private key without named curve");
  }

  private record Tlv(int tag, int valueStart, int length) {}

  private static Tlv readTlv(byte[] der, int[] pos) throws GeneralSecurityException {
    if (pos[0] + 2 > der.length) {
      throw new GeneralSecurityException("truncated DER");
    }
    int tag = der[pos[0]++] & 0xff;
    int len = der[pos[0]++] & 0xff;
    if (len > 0x80) {
      int n = len & 0x7f;
      if (n > 3 || pos[0] + n > der.length) {
        throw new GeneralSecurityException("bad DER length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (der[pos[0]++] & 0xff);
      }
    }
    if (pos[0] + len > der.length) {
      throw new GeneralSecurityException("truncated DER");
    }
    Tlv tlv = new Tlv(tag, pos[0], len);
    pos[0] += len;
    return tlv;
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = value.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }
}
