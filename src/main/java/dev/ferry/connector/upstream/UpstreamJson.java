package dev.ferry.connector.upstream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Parses JSON that came from upstream (discovery, userinfo, token payloads). Duplicate keys are
 * rejected: Go keeps the last one and Nimbus may keep another, and a claim whose value depends on
 * which parser read it is a classic verification bypass (RFC 8725 §3.1). Nesting is capped.
 */
public final class UpstreamJson {

  private static final ObjectReader READER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build()
          .reader();

  private UpstreamJson() {}

  /**
   * Parses a JSON object; anything else (array, string, malformed text) is an IOException whose
   * message never quotes the text: an upstream may echo the bearer token it was sent in a body that
   * is not JSON, and the parser's message would carry it into the log.
   */
  public static ObjectNode object(String json) throws IOException {
    JsonNode node = parse(json);
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw new IOException("expected a JSON object");
  }

  /** Parses a JSON array; anything else (object, string, malformed text) is an IOException. */
  public static ArrayNode array(String json) throws IOException {
    JsonNode node = parse(json);
    if (node instanceof ArrayNode array) {
      return array;
    }
    throw new IOException("expected a JSON array");
  }

  private static JsonNode parse(String json) throws IOException {
    try {
      return READER.readTree(json);
    } catch (JacksonException e) {
      // Neither the parser's message nor the exception as cause: both quote the text.
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new IOException("not valid JSON" + where);
    }
  }
}
