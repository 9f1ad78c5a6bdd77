package dev.ferry.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * JSON written the way Go's {@code encoding/json} writes it, so that Ferry's bodies and token
 * payloads match Dex byte for byte: {@code <}, {@code >}, {@code &}, U+2028 and U+2029 are escaped
 * as lower-case {@code \}{@code u003c} etc., and {@code http.IndentedJson} mirrors {@code
 * json.MarshalIndent(v, "", " ")} (one array element per line, {@code "key": value}).
 */
public final class GoJson {
  private static final ObjectMapper MAPPER = newMapper();
  private static final ObjectWriter COMPACT = MAPPER.writer();

  private GoJson() {}

  /** The mapper Ferry uses to read and write JSON (Go escaping on output). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Compact JSON bytes, as {@code json.Marshal}. */
  public static byte[] compact(@Nullable Object value) {
    try {
      return COMPACT.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compact JSON as a string. */
  public static String compactString(@Nullable Object value) {
    return new String(compact(value), StandardCharsets.UTF_8);
  }

  private static ObjectMapper newMapper() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.getFactory().setCharacterEscapes(new GoEscapes());
    mapper.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    return mapper;
  }

  /** Go's HTML-safe escaping, lower-case hex. */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
      ASCII['<'] = ESCAPE_CUSTOM;
      ASCII['>'] = ESCAPE_CUSTOM;
      ASCII['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      return switch (ch) {
        case '<' -> new SerializedString("\\u003c");
        case '>' -> new SerializedString("\\u003e");
        case '&' -> new SerializedString("\\u0026");
        case 0x2028 -> new SerializedString("\\u2028");
        case 0x2029 -> new SerializedString("\\u2029");
        default -> null;
      };
    }
  }
}
