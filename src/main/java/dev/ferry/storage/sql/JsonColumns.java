package dev.ferry.storage.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.json.GoFieldLookup;
import dev.ferry.storage.AuthSession.ClientAuthState;
import dev.ferry.storage.Keys.VerificationKey;
import dev.ferry.storage.OfflineSessions.RefreshTokenRef;
import dev.ferry.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The JSON that Dex keeps in {@code bytea} columns (Dex: storage/sql/crud.go encoder/decoder, Go's
 * {@code encoding/json}). Go writes a nil slice or map as {@code null}, so every reader accepts
 * {@code null} (and a NULL column) as empty. Go matches object keys case-insensitively when it
 * decodes, and the structs Dex stores here mostly carry no JSON tags, so Ferry writes Go's field
 * names ({@code "ID"}, {@code "ClientID"}...) and reads any capitalisation. Map keys are written
 * sorted, as Go does.
 */
final class JsonColumns {

  private final ObjectMapper mapper;

  JsonColumns(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  byte[] strings(List<String> values) {
    ArrayNode array = mapper.createArrayNode();
    values.forEach(array::add);
    return write(array);
  }

  List<String> strings(byte @Nullable [] column, String what) {
    JsonNode node = read(column, what);
    if (node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw corrupt(what, "expected a JSON array of strings");
    }
    List<String> out = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw corrupt(what, "expected a JSON array of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  /** A JWK kept as JSON text; Dex stores a nil key as {@code null}. */
  byte[] rawJson(@Nullable String json, String what) {
    if (json == null) {
      return "null".getBytes(StandardCharsets.UTF_8);
    }
    try {
      mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot store " + what + ": it is not valid JSON", e);
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Nullable String rawJson(byte @Nullable [] column, String what) {
    if (column == null || read(column, what).isNull()) {
      return null;
    }
    return new String(column, StandardCharsets.UTF_8).trim();
  }

  /** Dex: {@code []VerificationKey{PublicKey *jose.JSONWebKey `json:"publicKey"`, Expiry}}. */
  byte[] verificationKeys(List<VerificationKey> keys) {
    ArrayNode array = mapper.createArrayNode();
    for (VerificationKey k : keys) {
      ObjectNode o = array.addObject();
      o.set("publicKey", parse(k.publicKey(), "verification key"));
      o.put("expiry", GoTime.rfc3339(k.expiry()));
    }
    return write(array);
  }

  List<VerificationKey> verificationKeys(byte @Nullable [] column) {
    String what = "keys.verification_keys";
    JsonNode node = read(column, what);
    List<VerificationKey> out = new ArrayList<>();
    for (JsonNode item : elements(node, what)) {
      out.add(
          new VerificationKey(
              GoFieldLookup.value(item, "publicKey").orElse(mapper.nullNode()).toString(),
              time(item, "expiry", what)));
    }
    return out;
  }

  /** Dex: {@code map[clientID]*RefreshTokenRef{ID, ClientID, CreatedAt, LastUsed}}. */
  byte[] refreshRefs(Map<String, RefreshTokenRef> refs) {
    ObjectNode root = mapper.createObjectNode();
    for (Map.Entry<String, RefreshTokenRef> e : new TreeMap<>(refs).entrySet()) {
      RefreshTokenRef r = e.getValue();
      ObjectNode o = root.putObject(e.getKey());
      o.put("ID", r.id());
      o.put("ClientID", r.clientId());
      o.put("CreatedAt", GoTime.rfc3339(r.createdAt()));
      o.put("LastUsed", GoTime.rfc3339(r.lastUsed()));
    }
    return write(root);
  }

  Map<String, RefreshTokenRef> refreshRefs(byte @Nullable [] column) {
    String what = "offline_session.refresh";
    Map<String, RefreshTokenRef> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : fields(read(column, what), what)) {
      JsonNode r = e.getValue();
      out.put(
          e.getKey(),
          new RefreshTokenRef(
              field(r, "ID").asText(""),
              field(r, "ClientID").asText(""),
              time(r, "CreatedAt", what),
              time(r, "LastUsed", what)));
    }
    return out;
  }

  /** Dex HEAD: {@code map[clientID][]string} of consented scopes. */
  byte[] consents(Map<String, List<String>> consents) {
    ObjectNode root = mapper.createObjectNode();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(consents).entrySet()) {
      ArrayNode scopes = root.putArray(e.getKey());
      e.getValue().forEach(scopes::add);
    }
    return write(root);
  }

  Map<String, List<String>> consents(byte @Nullable [] column) {
    String what = "user_identity.consents";
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : fields(read(column, what), what)) {
      List<String> scopes = new ArrayList<>();
      for (JsonNode s : elements(e.getValue(), what)) {
        scopes.add(s.asText());
      }
      out.put(e.getKey(), scopes);
    }
    return out;
  }

  /** Dex HEAD: {@code map[clientID]*ClientAuthState}. */
  byte[] clientStates(Map<String, ClientAuthState> states) {
    ObjectNode root = mapper.createObjectNode();
    for (Map.Entry<String, ClientAuthState> e : new TreeMap<>(states).entrySet()) {
      ClientAuthState s = e.getValue();
      ObjectNode o = root.putObject(e.getKey());
      o.put("AuthenticatedAt", GoTime.rfc3339(s.authenticatedAt()));
      o.put("LastActivity", GoTime.rfc3339(s.lastActivity()));
      o.put("LastTokenIssuedAt", GoTime.rfc3339(s.lastTokenIssuedAt()));
      o.put("ViaSSO", s.viaSso());
    }
    return write(root);
  }

  Map<String, ClientAuthState> clientStates(byte @Nullable [] column) {
    String what = "auth_session.client_states";
    Map<String, ClientAuthState> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : fields(read(column, what), what)) {
      JsonNode s = e.getValue();
      out.put(
          e.getKey(),
          new ClientAuthState(
              time(s, "AuthenticatedAt", what),
              time(s, "LastActivity", what),
              time(s, "LastTokenIssuedAt", what),
              field(s, "ViaSSO").asBoolean(false)));
    }
    return out;
  }

  // ---- helpers

  private byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot encode JSON column", e);
    }
  }

  private JsonNode parse(String json, String what) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot store " + what + ": it is not valid JSON", e);
    }
  }

  private JsonNode read(byte @Nullable [] column, String what) {
    if (column == null || column.length == 0) {
      return mapper.nullNode();
    }
    try {
      JsonNode node = mapper.readTree(column);
      return node == null ? mapper.nullNode() : node;
    } catch (IOException e) {
      throw corrupt(what, "not valid JSON");
    }
  }

  private static Iterable<JsonNode> elements(JsonNode node, String what) {
    if (node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw corrupt(what, "expected a JSON array");
    }
    return node;
  }

  private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode node, String what) {
    if (node.isNull()) {
      return List.of();
    }
    if (!node.isObject()) {
      throw corrupt(what, "expected a JSON object");
    }
    return node.properties();
  }

  /**
   * A string, bool or time field as Go's decoder fills it ({@link GoFieldLookup#scalar}); a missing
   * one reads as null.
   */
  private JsonNode field(JsonNode object, String name) {
    return GoFieldLookup.scalar(object, name).orElse(mapper.nullNode());
  }

  private Instant time(JsonNode object, String name, String what) {
    JsonNode value = field(object, name);
    if (!value.isTextual()) {
      // Go decodes a missing time as its zero value.
      return Instant.parse("0001-01-01T00:00:00Z");
    }
    try {
      return GoTime.parseRfc3339(value.asText());
    } catch (java.time.format.DateTimeParseException e) {
      throw corrupt(what, "field " + name + " is not an RFC 3339 time");
    }
  }

  private static StorageException corrupt(String what, String why) {
    return new StorageException("corrupt " + what + " column: " + why);
  }
}
