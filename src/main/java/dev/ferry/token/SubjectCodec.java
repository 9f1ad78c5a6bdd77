package dev.ferry.token;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Dex's {@code sub} encoding (Dex: server/tokens/claims.go GenSubject): base64url without padding
 * of the proto3 message {@code IDTokenSubject{user_id = 1, conn_id = 2}}. Both fields are strings
 * (wire type 2): tag byte, LEB128 length, UTF-8 bytes; an empty field is omitted, as proto3 omits
 * default values. Written by hand because the message is two length-delimited strings and pulling
 * in protobuf for it would cost more than it saves.
 */
public final class SubjectCodec {
  private static final int USER_ID = 1;
  private static final int CONN_ID = 2;

  private SubjectCodec() {}

  /**
   * Encodes the subject.
   *
   * @throws IllegalArgumentException when a value is not valid Unicode (an unpaired surrogate),
   *     where Go's proto3 marshal fails too and Dex answers 500
   */
  public static String encode(String userId, String connectorId) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(userId.length() + connectorId.length() + 6);
    writeStringField(out, USER_ID, strictUtf8(userId));
    writeStringField(out, CONN_ID, strictUtf8(connectorId));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
  }

  /**
   * One proto3 string field (wire type 2): tag, varint length, bytes; an empty value is left out as
   * proto3 leaves out a default. Shared with {@link RefreshTokenCodec}, whose message has the same
   * shape.
   */
  static void writeStringField(ByteArrayOutputStream out, int field, byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    out.write((field << 3) | 2);
    int length = bytes.length;
    while ((length & ~0x7F) != 0) {
      out.write((length & 0x7F) | 0x80);
      length >>>= 7;
    }
    out.write(length);
    out.write(bytes, 0, bytes.length);
  }

  private static byte[] strictUtf8(String value) {
    try {
      ByteBuffer buffer =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(value));
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("subject field is not valid UTF-8", e);
    }
  }
}
