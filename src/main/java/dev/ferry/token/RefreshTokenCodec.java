package dev.ferry.token;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The refresh token value a client holds, in Dex's format so that tokens issued by Dex keep working
 * (Dex: server/internal/types.proto RefreshToken, server/internal/codec.go Marshal and Unmarshal):
 * base64url without padding of the proto3 message {@code RefreshToken{refresh_id = 1, token = 2}},
 * the id of the stored row and its current secret.
 *
 * <p>Decoding follows Go exactly where it decides what is accepted: {@code
 * base64.RawURLEncoding.DecodeString} (no {@code =}, line breaks skipped, trailing bits not
 * checked) and {@code proto.Unmarshal} (unknown fields and fields of the wrong wire type skipped,
 * the last occurrence of a field wins, a string that is not UTF-8 is an error). A value that does
 * not decode is not refused here: the grant takes it for a legacy raw refresh id, as Dex does.
 * Written by hand for the same reason as {@link SubjectCodec}.
 */
public final class RefreshTokenCodec {
  private static final int REFRESH_ID = 1;
  private static final int TOKEN = 2;

  /** A decoded value: the stored row's id and the secret presented with it. */
  public record Value(String refreshId, String token) {}

  private RefreshTokenCodec() {}

  /** Dex's {@code internal.Marshal(&RefreshToken{...})}; an empty field is omitted (proto3). */
  public static String encode(String refreshId, String token) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(refreshId.length() + token.length() + 6);
    SubjectCodec.writeStringField(out, REFRESH_ID, refreshId.getBytes(StandardCharsets.UTF_8));
    SubjectCodec.writeStringField(out, TOKEN, token.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
  }

  /** Dex's {@code internal.Unmarshal}; empty when Go would have failed. */
  public static Optional<Value> decode(String value) {
    byte[] bytes = rawUrlDecode(value);
    if (bytes == null) {
      return Optional.empty();
    }
    return new ProtoReader(bytes).read();
  }

  /**
   * Go's {@code base64.RawURLEncoding.DecodeString}: the URL alphabet, no padding, {@code \r} and
   * {@code \n} ignored anywhere, a final group of one character refused, unused trailing bits not
   * checked.
   */
  private static byte @Nullable [] rawUrlDecode(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length() * 3 / 4 + 1);
    int buffer = 0;
    int bits = 0;
    int chars = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        continue;
      }
      int digit = digit(c);
      if (digit < 0) {
        return null;
      }
      chars++;
      buffer = (buffer << 6) | digit;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.write((buffer >>> bits) & 0xFF);
      }
    }
    if (chars % 4 == 1) {
      return null;
    }
    return out.toByteArray();
  }

  private static int digit(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '-') {
      return 62;
    }
    if (c == '_') {
      return 63;
    }
    return -1;
  }

  /** The subset of Go's protobuf wire decoding one message of two string fields needs. */
  private static final class ProtoReader {
    private static final long MAX_FIELD_NUMBER = (1L << 29) - 1;

    /** Go's {@code protowire} recursion limit, which bounds the nesting of groups. */
    private static final int MAX_GROUP_DEPTH = 10_000;

    private final byte[] in;
    private int pos;
    private long varint;

    ProtoReader(byte[] in) {
      this.in = in;
    }

    Optional<Value> read() {
      String refreshId = "";
      String token = "";
      // Open groups (wire type 3) by field number: their contents are unknown fields to skip.
      Deque<Long> groups = new ArrayDeque<>();
      while (pos < in.length) {
        if (!readVarint()) {
          return Optional.empty();
        }
        long number = varint >>> 3;
        int wireType = (int) (varint & 7);
        // The message's own tags must name a valid field; tags inside a skipped group are checked
        // by protowire.ConsumeTag, which only refuses numbers below 1 or past int32.
        long maxNumber = groups.isEmpty() ? MAX_FIELD_NUMBER : Integer.MAX_VALUE;
        if (number < 1 || number > maxNumber) {
          return Optional.empty();
        }
        switch (wireType) {
          case 4 -> {
            if (groups.isEmpty() || groups.pop() != number) {
              return Optional.empty();
            }
          }
          case 3 -> {
            if (groups.size() >= MAX_GROUP_DEPTH) {
              return Optional.empty();
            }
            groups.push(number);
          }
          case 2 -> {
            if (!readVarint() || varint < 0 || varint > in.length - pos) {
              return Optional.empty();
            }
            int start = pos;
            int length = (int) varint;
            pos += length;
            if (groups.isEmpty() && (number == REFRESH_ID || number == TOKEN)) {
              Optional<String> text = utf8(start, length);
              if (text.isEmpty()) {
                return Optional.empty();
              }
              if (number == REFRESH_ID) {
                refreshId = text.get();
              } else {
                token = text.get();
              }
            }
          }
          // A field of another wire type, even numbered 1 or 2, is an unknown field to Go.
          case 0 -> {
            if (!readVarint()) {
              return Optional.empty();
            }
          }
          case 1 -> {
            if (!advance(8)) {
              return Optional.empty();
            }
          }
          case 5 -> {
            if (!advance(4)) {
              return Optional.empty();
            }
          }
          default -> {
            return Optional.empty();
          }
        }
      }
      if (!groups.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Value(refreshId, token));
    }

    private boolean advance(int n) {
      if (in.length - pos < n) {
        return false;
      }
      pos += n;
      return true;
    }

    /**
     * Reads a LEB128 varint of at most 10 bytes into {@link #varint}, as protowire.ConsumeVarint;
     * false when it is truncated or longer than 64 bits. A value past {@link Long#MAX_VALUE} reads
     * as negative, which the callers that use it as a number refuse, as Go refuses such a length.
     */
    private boolean readVarint() {
      long value = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        if (pos >= in.length) {
          return false;
        }
        int b = in[pos++] & 0xFF;
        if (shift == 63 && b > 1) {
          return false;
        }
        value |= (long) (b & 0x7F) << shift;
        if (b < 0x80) {
          varint = value;
          return true;
        }
      }
      return false;
    }

    private Optional<String> utf8(int start, int length) {
      try {
        CharBuffer chars =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(in, start, length));
        return Optional.of(chars.toString());
      } catch (CharacterCodingException e) {
        return Optional.empty();
      }
    }
  }
}
