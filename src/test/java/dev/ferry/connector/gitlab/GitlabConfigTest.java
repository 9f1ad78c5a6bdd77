package dev.ferry.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.ConnectorException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go-like decoding of the {@code gitlab} connector config and the checks at open. */
class GitlabConfigTest {

  private static final String PEM_BASE64 =
      Base64.getEncoder()
          .encodeToString(UpstreamIssuer.testCaPem().getBytes(StandardCharsets.US_ASCII));

  private static GitlabConnectorFactory factory() {
    return new GitlabConnectorFactory(MutableClock.atFixedStart(), TestGitlab.FAST);
  }

  @Test
  void anEmptyConfigTakesDexsDefaults() throws Exception {
    GitlabConfig config = GitlabConfigReader.readValid("{}");
    assertThat(config.baseUrl()).isEqualTo("https://gitlab.com");
    assertThat(config.groups()).isEmpty();
    assertThat(config.useLoginAsId()).isFalse();
    assertThat(config.getGroupsPermission()).isFalse();
    assertThat(config.inheritedGroups()).isFalse();
    assertThat(config.rootCaData()).isEmpty();
    assertThat(GitlabConfigReader.readValid("{\"baseURL\":\"\"}").baseUrl())
        .isEqualTo("https://gitlab.com");
  }

  @Test
  void everyDexKeyIsRead() throws Exception {
    GitlabConfig config =
        GitlabConfigReader.readValid(
            """
            {"baseURL": "https://git.example.com", "clientID": "id", "clientSecret": "s3cret",
             "redirectURI": "https://dex/callback", "groups": ["a", null],
             "useLoginAsID": true, "getGroupsPermission": true, "inheritedGroups": true,
             "rootCAData": "%s"}
            """
                .formatted(PEM_BASE64));
    assertThat(config.baseUrl()).isEqualTo("https://git.example.com");
    assertThat(config.clientId()).isEqualTo("id");
    assertThat(config.clientSecret()).isEqualTo("s3cret");
    assertThat(config.redirectUri()).isEqualTo("https://dex/callback");
    assertThat(config.groups()).containsExactly("a", "");
    assertThat(config.useLoginAsId()).isTrue();
    assertThat(config.getGroupsPermission()).isTrue();
    assertThat(config.inheritedGroups()).isTrue();
    assertThat(GitlabConfigReader.rootCaPem(config)).contains(UpstreamIssuer.testCaPem());
  }

  @Test
  void keysMatchCaseInsensitivelyAndUnknownKeysAreIgnored() throws Exception {
    GitlabConfig config =
        GitlabConfigReader.readValid(
            "{\"BASEURL\":\"http://gl.internal\",\"UseLoginAsId\":true,\"GROUPS\":[\"x\"],"
                + "\"orgs\":[{\"name\":\"ignored\"}],\"loadAllGroups\":true}");
    assertThat(config.baseUrl()).isEqualTo("http://gl.internal");
    assertThat(config.useLoginAsId()).isTrue();
    assertThat(config.groups()).containsExactly("x");
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of("{\"baseURL\": 1}", "\"baseURL\": expected a string"),
        Arguments.of("{\"clientID\": true}", "\"clientID\": expected a string"),
        Arguments.of("{\"groups\": \"team-1\"}", "\"groups\": expected an array"),
        Arguments.of("{\"groups\": [1]}", "\"groups[0]\": expected a string"),
        Arguments.of("{\"groups\": {\"a\": 1}}", "\"groups\""),
        Arguments.of("{\"useLoginAsID\": \"true\"}", "\"useLoginAsID\": expected true or false"),
        Arguments.of("{\"getGroupsPermission\": 1}", "\"getGroupsPermission\""),
        Arguments.of("{\"inheritedGroups\": \"yes\"}", "\"inheritedGroups\""),
        Arguments.of("{\"rootCAData\": 5}", "\"rootCAData\": expected a string"));
  }

  @ParameterizedTest
  @MethodSource("wrongTypes")
  void aWrongTypeNamesItsKey(String json, String message) {
    assertThatThrownBy(() -> factory().open("gl", json))
        .isInstanceOf(ConnectorException.class)
        .hasMessageStartingWith("gitlab: config key ")
        .hasMessageContaining(message);
    assertThat(factory().validate(json)).singleElement().asString().contains(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "[]", "\"gitlab\"", "{", "{\"baseURL\":\"x\"} {}", "null"})
  void aConfigThatIsNotOneJsonObjectIsRefused(String json) {
    assertThatThrownBy(() -> factory().open("gl", json))
        .isInstanceOf(ConnectorException.class)
        .hasMessageStartingWith("gitlab: connector config ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gitlab.example.com",
        "ftp://gitlab.example.com",
        "https://",
        "https://gitlab.example.com/?x=1",
        "https://gitlab.example.com/#top",
        "https://exa mple.com"
      })
  void aBaseUrlThatIsNotAnHttpUrlIsRefused(String baseUrl) {
    assertThatThrownBy(() -> factory().open("gl", "{\"baseURL\":\"" + baseUrl + "\"}"))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("config key \"baseURL\" must be an absolute http(s) URL");
  }

  static Stream<Arguments> badRootCaData() {
    String notPem = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
    return Stream.of(
        Arguments.of("not base64!", "expected base64"),
        Arguments.of(PEM_BASE64.replace("=", ""), "expected base64"),
        Arguments.of(notPem, "invalid rootCAData"));
  }

  @ParameterizedTest
  @MethodSource("badRootCaData")
  void badRootCaDataIsRefused(String rootCaData, String message) {
    assertThatThrownBy(() -> factory().open("gl", "{\"rootCAData\":\"" + rootCaData + "\"}"))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining("config key \"rootCAData\"")
        .hasMessageContaining(message);
  }

  @Test
  void rootCaDataMayBeWrappedOverLinesAsGoAccepts() throws Exception {
    String wrapped = PEM_BASE64.replaceAll("(.{64})", "$1\\\\n");
    assertThat(wrapped).contains("\\n");
    GitlabConfig config = GitlabConfigReader.readValid("{\"rootCAData\":\"" + wrapped + "\"}");
    assertThat(GitlabConfigReader.rootCaPem(config)).contains(UpstreamIssuer.testCaPem());
  }

  @Test
  void validateReportsEveryProblemAtOnce() {
    assertThat(factory().validate("{\"baseURL\":\"nope\",\"rootCAData\":\"aGk=\"}")).hasSize(2);
    assertThat(factory().validate("{\"baseURL\":\"https://gitlab.example.com\"}")).isEmpty();
  }

  @Test
  void openingDoesNotContactGitlab() throws Exception {
    try (FakeGitlab gitlab = FakeGitlab.start();
        GitlabConnector connector = TestGitlab.open(gitlab, java.util.Map.of())) {
      assertThat(connector.id()).isEqualTo("gitlab");
      assertThat(gitlab.requests()).isEmpty();
    }
  }

  @Test
  void typeIsGitlab() {
    assertThat(factory().type()).isEqualTo("gitlab");
  }

  @Test
  void toStringNeverShowsTheClientSecret() throws Exception {
    GitlabConfig config =
        GitlabConfigReader.readValid("{\"clientID\":\"id\",\"clientSecret\":\"s3cret\"}");
    assertThat(config.toString()).contains("clientID=id").doesNotContain("s3cret");
  }

  @Test
  void theDefaultsAreUsable() {
    assertThat(factory().validate("{}")).isEqualTo(List.of());
  }
}
