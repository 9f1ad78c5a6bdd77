package dev.ferry.config;

import static dev.ferry.oauth2.GrantTypes.AUTHORIZATION_CODE;
import static dev.ferry.oauth2.GrantTypes.CLIENT_CREDENTIALS;
import static dev.ferry.oauth2.GrantTypes.DEVICE_CODE;
import static dev.ferry.oauth2.GrantTypes.IMPLICIT;
import static dev.ferry.oauth2.GrantTypes.PASSWORD;
import static dev.ferry.oauth2.GrantTypes.REFRESH_TOKEN;
import static dev.ferry.oauth2.GrantTypes.TOKEN_EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GrantTypesPolicyTest {
  private static final Map<String, String> CC_DEFAULT =
      Map.of("DEX_CLIENT_CREDENTIAL_GRANT_ENABLED_BY_DEFAULT", "true");

  private static OAuth2Config oauth2(
      List<String> grantTypes, List<String> responseTypes, String passwordConnector) {
    return new OAuth2Config(grantTypes, responseTypes, false, false, passwordConnector, null);
  }

  /**
   * What {@code dex serve} advertises (Dex: cmd/dex/serve.go applyConfigOverrides fills the default
   * list, server/config.go supportedTypes narrows and sorts it).
   */
  static Stream<Arguments> binary() {
    return Stream.of(
        Arguments.of(
            "no oauth2 section",
            oauth2(List.of(), List.of(), ""),
            Map.of(),
            List.of(AUTHORIZATION_CODE, REFRESH_TOKEN, DEVICE_CODE, TOKEN_EXCHANGE)),
        Arguments.of(
            "client_credentials enabled by default",
            oauth2(List.of(), List.of(), ""),
            CC_DEFAULT,
            List.of(
                AUTHORIZATION_CODE,
                CLIENT_CREDENTIALS,
                REFRESH_TOKEN,
                DEVICE_CODE,
                TOKEN_EXCHANGE)),
        Arguments.of(
            "flag not a ParseBool value keeps it off",
            oauth2(List.of(), List.of(), ""),
            Map.of("DEX_CLIENT_CREDENTIAL_GRANT_ENABLED_BY_DEFAULT", "on"),
            List.of(AUTHORIZATION_CODE, REFRESH_TOKEN, DEVICE_CODE, TOKEN_EXCHANGE)),
        Arguments.of(
            "password connector adds password",
            oauth2(List.of(), List.of(), "local"),
            Map.of(),
            List.of(AUTHORIZATION_CODE, PASSWORD, REFRESH_TOKEN, DEVICE_CODE, TOKEN_EXCHANGE)),
        Arguments.of(
            "implicit response type adds implicit",
            oauth2(List.of(), List.of("code", "token"), ""),
            Map.of(),
            List.of(AUTHORIZATION_CODE, IMPLICIT, REFRESH_TOKEN, DEVICE_CODE, TOKEN_EXCHANGE)),
        Arguments.of(
            "id_token alone is not implicit",
            oauth2(List.of(), List.of("id_token", "code id_token"), ""),
            Map.of(),
            List.of(AUTHORIZATION_CODE, REFRESH_TOKEN, DEVICE_CODE, TOKEN_EXCHANGE)),
        Arguments.of(
            "everything: implicit and password sort between client_credentials and refresh_token",
            oauth2(List.of(), List.of("code id_token token"), "local"),
            CC_DEFAULT,
            List.of(
                AUTHORIZATION_CODE,
                CLIENT_CREDENTIALS,
                IMPLICIT,
                PASSWORD,
                REFRESH_TOKEN,
                DEVICE_CODE,
                TOKEN_EXCHANGE)),
        Arguments.of(
            "explicit list narrows and drops unknown names",
            oauth2(List.of(REFRESH_TOKEN, "not-a-grant"), List.of(), ""),
            Map.of(),
            List.of(REFRESH_TOKEN)),
        Arguments.of(
            "explicit list is sorted and deduplicated",
            oauth2(List.of(TOKEN_EXCHANGE, AUTHORIZATION_CODE, TOKEN_EXCHANGE), List.of(), ""),
            Map.of(),
            List.of(AUTHORIZATION_CODE, TOKEN_EXCHANGE)),
        Arguments.of(
            "client_credentials can be listed explicitly",
            oauth2(List.of(CLIENT_CREDENTIALS), List.of(), ""),
            Map.of(),
            List.of(CLIENT_CREDENTIALS)),
        Arguments.of(
            "password listed without a password connector is dropped",
            oauth2(List.of(PASSWORD, TOKEN_EXCHANGE), List.of(), ""),
            Map.of(),
            List.of(TOKEN_EXCHANGE)),
        Arguments.of(
            "implicit listed without an implicit response type is dropped",
            oauth2(List.of(IMPLICIT), List.of("code"), ""),
            Map.of(),
            List.of()),
        Arguments.of(
            "token exchange can be switched off",
            oauth2(List.of(AUTHORIZATION_CODE, REFRESH_TOKEN), List.of(), ""),
            Map.of(),
            List.of(AUTHORIZATION_CODE, REFRESH_TOKEN)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binary")
  void computesWhatDexServeAdvertises(
      String name, OAuth2Config oauth2, Map<String, String> env, List<String> expected) {
    assertThat(GrantTypesPolicy.effective(oauth2, env)).containsExactlyElementsOf(expected);
  }

  /** Dex HEAD server/server_test.go TestServerSupportedGrants: the server alone, every grant on. */
  static Stream<Arguments> server() {
    return Stream.of(
        Arguments.of(
            "Simple",
            List.of(),
            "",
            List.of(
                AUTHORIZATION_CODE,
                CLIENT_CREDENTIALS,
                REFRESH_TOKEN,
                DEVICE_CODE,
                TOKEN_EXCHANGE)),
        Arguments.of(
            "With password connector",
            List.of(),
            "local",
            List.of(
                AUTHORIZATION_CODE,
                CLIENT_CREDENTIALS,
                PASSWORD,
                REFRESH_TOKEN,
                DEVICE_CODE,
                TOKEN_EXCHANGE)),
        Arguments.of(
            "With token response",
            List.of("code", "token"),
            "",
            List.of(
                AUTHORIZATION_CODE,
                CLIENT_CREDENTIALS,
                IMPLICIT,
                REFRESH_TOKEN,
                DEVICE_CODE,
                TOKEN_EXCHANGE)),
        Arguments.of(
            "All",
            List.of("code", "token"),
            "local",
            List.of(
                AUTHORIZATION_CODE,
                CLIENT_CREDENTIALS,
                IMPLICIT,
                PASSWORD,
                REFRESH_TOKEN,
                DEVICE_CODE,
                TOKEN_EXCHANGE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("server")
  void computesWhatTheServerSupports(
      String name, List<String> responseTypes, String passwordConnector, List<String> expected) {
    assertThat(GrantTypesPolicy.supported(List.of(), responseTypes, passwordConnector))
        .containsExactlyElementsOf(expected);
  }

  /**
   * Dex HEAD server/config_test.go TestNormalizeConfigGrantTypes: "AllowedGrantTypes narrows the
   * set".
   */
  @Test
  void allowedGrantTypesNarrowTheServerSet() {
    assertThat(
            GrantTypesPolicy.supported(List.of(REFRESH_TOKEN, "not-a-grant"), List.of("code"), ""))
        .containsExactly(REFRESH_TOKEN);
  }

  @Test
  void rejectsAnUnsupportedResponseType() {
    assertThatThrownBy(
            () -> GrantTypesPolicy.effective(oauth2(List.of(), List.of("nonsense"), ""), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported response_type \"nonsense\"");
  }

  @Test
  void aLoadedConfigGivesTheSameAnswer() throws Exception {
    FerryConfig config =
        Fixtures.load(Fixtures.MINIMAL + "oauth2: {passwordConnector: local}\n", CC_DEFAULT);

    assertThat(config.effectiveGrantTypes())
        .containsExactly(
            AUTHORIZATION_CODE,
            CLIENT_CREDENTIALS,
            PASSWORD,
            REFRESH_TOKEN,
            DEVICE_CODE,
            TOKEN_EXCHANGE);
  }
}
