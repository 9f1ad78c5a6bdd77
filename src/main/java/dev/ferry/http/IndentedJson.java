package dev.ferry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.ferry.json.GoJson;
import java.io.UncheckedIOException;

/**
 * Go's {@code json.MarshalIndent} / {@code Encoder.SetIndent} layout over {@link GoJson}'s
 * escaping: {@code "key": value}, one member or element per line, and {@code []}/{@code {}} for
 * empty containers at any depth. Built from Jackson's own separators so that nesting stays right
 * after an empty container.
 */
public final class IndentedJson {
  private final ObjectWriter writer;

  /**
   * @param indent one level of indentation, e.g. two spaces (Dex documents) or a tab (health)
   */
  public IndentedJson(String indent) {
    DefaultIndenter indenter = new DefaultIndenter(indent, "\n");
    Separators separators =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
    this.writer =
        GoJson.mapper()
            .writer(
                new DefaultPrettyPrinter(separators)
                    .withObjectIndenter(indenter)
                    .withArrayIndenter(indenter));
  }

  public byte[] write(JsonNode node) {
    try {
      return writer.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
