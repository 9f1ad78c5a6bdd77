package dev.ferry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * JSON written byte for byte as Go's {@code encoding/json} writes it, since clients and tests
 * compare Dex's output literally: {@code <}, {@code >} and {@code &} become {@code \u003c} etc.,
 * U+2028/U+2029 are escaped, control characters use lower-case hex, and the indented forms follow
 * {@code MarshalIndent} ({@code "key": value}, one element per line, {@code []} when empty).
 * Documents are built as ordered trees ({@link #object()}), so member order is always explicit.
 */
public final class GoJson {
  private final ObjectMapper mapper;
  private final ObjectWriter compact;
  private final ObjectWriter twoSpaces;
  private final ObjectWriter tabs;

  public GoJson() {
    mapper = new ObjectMapper();
    mapper.getFactory().setCharacterEscapes(new GoEscapes());
    compact = mapper.writer();
    twoSpaces = mapper.writer(prettyPrinter("  "));
    tabs = mapper.writer(prettyPrinter("\t"));
  }

  private static DefaultPrettyPrinter prettyPrinter(String indent) {
    Separators separators =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
    DefaultIndenter indenter = new DefaultIndenter(indent, "\n");
    return new DefaultPrettyPrinter(separators)
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
  }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /** {@code json.Marshal}. */
  public byte[] compact(JsonNode node) {
    return write(compact, node);
  }

  /** {@code json.MarshalIndent(v, "", " ")}. */
  public byte[] indented(JsonNode node) {
    return write(twoSpaces, node);
  }

  /** A {@code json.Encoder} with {@code SetIndent("", "\t")}: tab-indented, newline-terminated. */
  public byte[] tabIndentedLine(JsonNode node) {
    byte[] body = write(tabs, node);
    byte[] line = new byte[body.length + 1];
    System.arraycopy(body, 0, line, 0, body.length);
    line[body.length] = '\n';
    return line;
  }

  /** Parses a JSON document (e.g. a verified JWT payload) into a tree. */
  public JsonNode read(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  private static byte[] write(ObjectWriter writer, JsonNode node) {
    try {
      return writer.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Go's string escaping (encoding/json encodeState.string with HTML escaping on). */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;

    private final int[] ascii;

    GoEscapes() {
      int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
      for (int c = 0; c < 0x20; c++) {
        if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
          codes[c] = ESCAPE_CUSTOM;
        }
      }
      codes['<'] = ESCAPE_CUSTOM;
      codes['>'] = ESCAPE_CUSTOM;
      codes['&'] = ESCAPE_CUSTOM;
      this.ascii = codes;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii.clone();
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
      }
      return null;
    }
  }
}
