package dev.ferry.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.storage.Keys;
import dev.ferry.storage.OfflineSessions;
import dev.ferry.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonColumnsTest {

  private final JsonColumns json = new JsonColumns(new ObjectMapper());

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void writesListsAsGoDoes() {
    assertThat(s(json.strings(List.of("a", "b\"c")))).isEqualTo("[\"a\",\"b\\\"c\"]");
    assertThat(s(json.strings(List.of()))).isEqualTo("[]");
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      value = {"null", "''", "'  null  '"},
      nullValues = "NIL")
  void goNilAndNullColumnsReadAsEmpty(String column) {
    assertThat(json.strings(b(column), "t.c")).isEmpty();
    assertThat(json.strings(null, "t.c")).isEmpty();
    assertThat(json.refreshRefs(b(column))).isEmpty();
    assertThat(json.consents(b(column))).isEmpty();
    assertThat(json.verificationKeys(b(column))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\":1}|expected a JSON array",
        "[1,2]|expected a JSON array of strings",
        "[|not valid JSON"
      })
  void corruptColumnsNameTheColumn(String column, String why) {
    assertThatThrownBy(() -> json.strings(b(column), "client.redirect_uris"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("client.redirect_uris")
        .hasMessageContaining(why);
  }

  @Test
  void refreshRefsUseGoFieldNamesSortedAndReadAnyCase() {
    Instant t = Instant.parse("2026-01-02T03:04:05.5Z");
    byte[] written =
        json.refreshRefs(
            Map.of(
                "b", new OfflineSessions.RefreshTokenRef("r2", "b", t, t),
                "a", new OfflineSessions.RefreshTokenRef("r1", "a", t, t)));
    assertThat(s(written))
        .isEqualTo(
            "{\"a\":{\"ID\":\"r1\",\"ClientID\":\"a\",\"CreatedAt\":\"2026-01-02T03:04:05.5Z\","
                + "\"LastUsed\":\"2026-01-02T03:04:05.5Z\"},"
                + "\"b\":{\"ID\":\"r2\",\"ClientID\":\"b\",\"CreatedAt\":\"2026-01-02T03:04:05.5Z\","
                + "\"LastUsed\":\"2026-01-02T03:04:05.5Z\"}}");
    Map<String, OfflineSessions.RefreshTokenRef> read =
        json.refreshRefs(
            b(
                "{\"a\":{\"id\":\"r1\",\"clientID\":\"a\",\"createdAt\":\"2026-01-02T04:04:05.5+01:00\"}}"));
    OfflineSessions.RefreshTokenRef ref = java.util.Objects.requireNonNull(read.get("a"));
    assertThat(ref.id()).isEqualTo("r1");
    assertThat(ref.createdAt()).isEqualTo(t);
    // A missing time decodes as Go's zero time, as Go would.
    assertThat(GoTime.isGoZero(ref.lastUsed())).isTrue();
  }

  @Test
  void verificationKeysEmbedTheJwk() {
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    byte[] written = json.verificationKeys(List.of(new Keys.VerificationKey("{\"kid\":\"k\"}", t)));
    assertThat(s(written))
        .isEqualTo("[{\"publicKey\":{\"kid\":\"k\"},\"expiry\":\"2026-01-02T03:04:05Z\"}]");
    assertThat(json.verificationKeys(written))
        .containsExactly(new Keys.VerificationKey("{\"kid\":\"k\"}", t));
  }

  @Test
  void rawJwkKeepsTextAndMapsNull() {
    assertThat(s(json.rawJson((String) null, "k"))).isEqualTo("null");
    assertThat(json.rawJson(b("null"), "k")).isNull();
    assertThat(json.rawJson(b("{\"kid\":\"x\"}"), "k")).isEqualTo("{\"kid\":\"x\"}");
    assertThatThrownBy(() -> json.rawJson("{not json", "signing key"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("signing key");
  }
}
