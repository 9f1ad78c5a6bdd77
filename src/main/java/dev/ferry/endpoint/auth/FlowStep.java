package dev.ferry.endpoint.auth;

import dev.ferry.storage.AuthRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One hop between the {@code /auth} dispatcher and a step of the flow. Each redirect carries {@code
 * req} (the auth request id) and {@code hmac}, an HMAC-SHA256 under the auth request's own key of
 * the id and the step's label, so a verifier minted for one hop cannot be used for another and a
 * forged post without the key is refused (Dex: server/internal/flowstep.go, hmac.go). The MAC input
 * is Dex's: the protobuf encoding of {@code HMACPayload{values: [id, label]}}, and the MAC is
 * unpadded base64url.
 */
enum FlowStep {
  /** Back to the dispatcher after login. */
  CONTINUE("step:continue"),
  /** To the approval page. */
  APPROVAL("step:approval"),
  /** Back to the dispatcher after approval; proves the user just approved. */
  APPROVED("step:approved");

  private final String label;

  FlowStep(String label) {
    this.label = label;
  }

  String sign(AuthRequest authRequest) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(mac(authRequest.hmacKey(), authRequest.id(), label));
  }

  /** Constant-time comparison; a malformed value is simply wrong. */
  boolean verify(AuthRequest authRequest, String encoded) {
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (encoded.indexOf('=') >= 0) {
      return false; // Go's RawURLEncoding refuses padding
    }
    return MessageDigest.isEqual(given, mac(authRequest.hmacKey(), authRequest.id(), label));
  }

  /** {@code base?hmac=...&req=...}, Dex's StepURL (keys sorted, as Go encodes them). */
  String url(String base, AuthRequest authRequest) {
    return base
        + "?"
        + GoUrl.encode(
            Map.of("req", List.of(authRequest.id()), "hmac", List.of(sign(authRequest))));
  }

  private static byte[] mac(byte[] key, String... values) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // An empty key is legal for HMAC but not for SecretKeySpec; Dex's keys are never empty, a
      // stored row could be: hash it as HMAC pads it, with zeros.
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      return mac.doFinal(payload(values));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Protobuf: field 1, wire type 2 (tag {@code 0x0a}), varint length, UTF-8 bytes; per value. */
  static byte[] payload(String... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String value : values) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      out.write(0x0a);
      int length = bytes.length;
      while (length >= 0x80) {
        out.write((length & 0x7f) | 0x80);
        length >>>= 7;
      }
      out.write(length);
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }
}
