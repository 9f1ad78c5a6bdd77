package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where and how Dex expands $VAR (Dex: cmd/dex/config.go expandEnvInMap): only in the three config
 * blocks.
 */
class EnvExpansionTest {
  private static final Map<String, String> ENV =
      Map.of(
          "DB_HOST", "10.0.0.1",
          "DB_PASS", "p'a\"s:s\\w{o}rd #1",
          "OIDC_SECRET", "bar",
          "KEY", "dex-key",
          "NAME", "expanded");

  private static final String FILE =
      """
      issuer: https://dex.example.com
      storage:
        type: postgres
        config:
          host: $DB_HOST
          password: ${DB_PASS}
          port: 5432
          literal: 'a$'
          ssl:
            mode: $NAME
          hosts: [$DB_HOST, plain, 7]
          nested: [[$DB_HOST]]
          objects: [{name: $NAME}]
          $NAME: key-stays
      web:
        http: 127.0.0.1:5556
      frontend:
        issuer: $NAME
      signer:
        type: vault
        config:
          keyName: $KEY
      connectors:
      - type: oidc
        id: $NAME
        name: GitHub
        config:
          issuer: https://token.actions.githubusercontent.com
          clientSecret: $OIDC_SECRET
          scopes: [openid, $NAME]
      staticClients:
      - id: app
        name: $NAME
        secret: $OIDC_SECRET
      """;

  static Stream<Arguments> expandedValues() {
    return Stream.of(
        Arguments.of("storage host", "storage", "/host", "10.0.0.1"),
        Arguments.of(
            "value with quotes, colon and backslash", "storage", "/password", ENV.get("DB_PASS")),
        Arguments.of("number untouched", "storage", "/port", "5432"),
        Arguments.of("trailing $ kept", "storage", "/literal", "a$"),
        Arguments.of("nested object", "storage", "/ssl/mode", "expanded"),
        Arguments.of("string in a list", "storage", "/hosts/0", "10.0.0.1"),
        Arguments.of("other list items", "storage", "/hosts/1", "plain"),
        Arguments.of("list in a list not expanded", "storage", "/nested/0/0", "$DB_HOST"),
        Arguments.of("object in a list", "storage", "/objects/0/name", "expanded"),
        Arguments.of("keys not expanded", "storage", "/$NAME", "key-stays"),
        Arguments.of("connector config", "connector", "/clientSecret", "bar"),
        Arguments.of("connector config list", "connector", "/scopes/1", "expanded"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expandedValues")
  void expandsInsideConfigBlocks(String name, String block, String pointer, String expected)
      throws Exception {
    FerryConfig config = Fixtures.load(FILE, ENV);

    assertThat(valueAt(config, block, pointer).asText()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "DEX_EXPAND_ENV={0}")
  @ValueSource(strings = {"1", "t", "T", "TRUE", "true", "True", "", "yes", "whatever"})
  void expandsUnlessDexExpandEnvParsesFalse(String flag) throws Exception {
    FerryConfig config = Fixtures.load(FILE, with("DEX_EXPAND_ENV", flag));

    assertThat(valueAt(config, "storage", "/host").asText()).isEqualTo("10.0.0.1");
    assertThat(((VaultSignerConfig) config.signer()).keyName()).isEqualTo("dex-key");
  }

  @ParameterizedTest(name = "DEX_EXPAND_ENV={0}")
  @ValueSource(strings = {"0", "f", "F", "FALSE", "false", "False"})
  void leavesValuesAloneWhenDexExpandEnvIsFalse(String flag) throws Exception {
    FerryConfig config = Fixtures.load(FILE, with("DEX_EXPAND_ENV", flag));

    assertThat(valueAt(config, "storage", "/host").asText()).isEqualTo("$DB_HOST");
    assertThat(valueAt(config, "connector", "/clientSecret").asText()).isEqualTo("$OIDC_SECRET");
    assertThat(((VaultSignerConfig) config.signer()).keyName()).isEqualTo("$KEY");
  }

  @Test
  void neverExpandsOutsideTheConfigBlocks() throws Exception {
    FerryConfig config = Fixtures.load(FILE, ENV);

    assertThat(config.frontend().issuer()).isEqualTo("$NAME");
    assertThat(config.connectors().get(0).id()).isEqualTo("$NAME");
    assertThat(config.staticClients().get(0).name()).isEqualTo("$NAME");
    assertThat(config.staticClients().get(0).secret()).isEqualTo("$OIDC_SECRET");
  }

  @Test
  void expandsSignerConfigAndMatchesSectionNamesIgnoringCase() throws Exception {
    FerryConfig config =
        Fixtures.load(
            """
            issuer: https://dex.example.com
            Storage: {type: sqlite3, CONFIG: {file: $NAME.db}}
            web: {http: ':5556'}
            SIGNER: {type: vault, Config: {keyName: $KEY}}
            """,
            ENV);

    assertThat(config.storage().config().get("file").asText()).isEqualTo("expanded.db");
    assertThat(((VaultSignerConfig) config.signer()).keyName()).isEqualTo("dex-key");
  }

  private static Map<String, String> with(String name, String value) {
    Map<String, String> env = new HashMap<>(ENV);
    env.put(name, value);
    return env;
  }

  private static JsonNode valueAt(FerryConfig config, String block, String pointer) {
    JsonNode config0 =
        block.equals("storage") ? config.storage().config() : config.connectors().get(0).config();
    JsonNode node = config0.at(pointer);
    assertThat(node.isMissingNode()).as(block + pointer).isFalse();
    return node;
  }
}
