package dev.ferry.connector.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.ConnectorException;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.connector.upstream.UpstreamTls;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading the {@code oidc} connector config: every Dex key, Go-like decoding, named errors. */
class OidcConfigTest {

  private static final String FULL =
      """
      {
        "issuer": "https://issuer.example.com",
        "issuerAlias": "https://alias.example.com",
        "clientID": "cid",
        "clientSecret": "secret",
        "redirectURI": "https://dex.example.com/callback",
        "providerDiscoveryOverrides": {
          "tokenURL": "https://o.example.com/token",
          "authURL": "https://o.example.com/auth",
          "jwksURL": "https://o.example.com/keys",
          "userInfoURL": "https://o.example.com/userinfo",
          "deviceAuthURL": "https://o.example.com/device",
          "endSessionURL": "https://o.example.com/logout"
        },
        "basicAuthUnsupported": true,
        "scopes": ["groups"],
        "rootCAs": [],
        "insecureSkipVerify": true,
        "insecureSkipEmailVerified": true,
        "insecureEnableGroups": true,
        "allowedGroups": ["admins"],
        "acrValues": ["phr"],
        "getUserInfo": true,
        "userIDKey": "uid",
        "userNameKey": "login",
        "promptType": "login",
        "pkceChallenge": "S256",
        "overrideClaimMapping": true,
        "claimMapping": {"preferred_username": "pu", "email": "mail", "groups": "roles"},
        "claimModifications": {
          "newGroupFromClaims": [
            {"claims": ["org", "repo"], "delimiter": ":", "clearDelimiter": true, "prefix": "gh"}
          ],
          "filterGroupClaims": {"groupsFilter": "^team-"},
          "modifyGroupNames": {"prefix": "p-", "suffix": "-s"}
        },
        "someFutureDexKey": {"ignored": true}
      }
      """;

  @Test
  void readsEveryDexKey() throws Exception {
    OidcConfig c = OidcConfigReader.readValid(FULL);
    assertThat(c.issuer()).isEqualTo("https://issuer.example.com");
    assertThat(c.issuerAlias()).isEqualTo("https://alias.example.com");
    assertThat(c.clientId()).isEqualTo("cid");
    assertThat(c.clientSecret()).isEqualTo("secret");
    assertThat(c.redirectUri()).isEqualTo("https://dex.example.com/callback");
    OidcConfig.DiscoveryOverrides o = c.providerDiscoveryOverrides();
    assertThat(List.of(o.tokenUrl(), o.authUrl(), o.jwksUrl(), o.userInfoUrl()))
        .containsExactly(
            "https://o.example.com/token",
            "https://o.example.com/auth",
            "https://o.example.com/keys",
            "https://o.example.com/userinfo");
    assertThat(o.deviceAuthUrl()).isEqualTo("https://o.example.com/device");
    assertThat(o.endSessionUrl()).isEqualTo("https://o.example.com/logout");
    assertThat(c.basicAuthUnsupported()).isTrue();
    assertThat(c.scopes()).containsExactly("groups");
    assertThat(c.effectiveScopes()).containsExactly("openid", "groups");
    assertThat(c.insecureSkipVerify()).isTrue();
    assertThat(c.insecureSkipEmailVerified()).isTrue();
    assertThat(c.insecureEnableGroups()).isTrue();
    assertThat(c.allowedGroups()).containsExactly("admins");
    assertThat(c.acrValues()).containsExactly("phr");
    assertThat(c.getUserInfo()).isTrue();
    assertThat(c.userIdKey()).isEqualTo("uid");
    assertThat(c.userNameKey()).isEqualTo("login");
    assertThat(c.promptType()).isEqualTo("login");
    assertThat(c.pkceChallenge()).isEqualTo("S256");
    assertThat(c.overrideClaimMapping()).isTrue();
    assertThat(c.claimMapping()).isEqualTo(new OidcConfig.ClaimMapping("pu", "mail", "roles"));
    assertThat(c.claimModifications().newGroupFromClaims())
        .containsExactly(
            new OidcConfig.NewGroupFromClaims(List.of("org", "repo"), ":", true, "gh"));
    assertThat(c.claimModifications().filterGroupClaims().groupsFilter()).isEqualTo("^team-");
    assertThat(c.claimModifications().modifyGroupNames())
        .isEqualTo(new OidcConfig.ModifyGroupNames("p-", "-s"));
  }

  @Test
  void toStringHidesTheClientSecret() throws Exception {
    String text = OidcConfigReader.readValid(FULL).toString();
    assertThat(text)
        .contains("https://issuer.example.com")
        .doesNotContain("secret\"")
        .doesNotContain("=secret");
  }

  @Test
  void defaultsAreGoZeroValuesAndDexScopes() throws Exception {
    OidcConfig c = OidcConfigReader.readValid("{\"issuer\":\"https://i.example.com\"}");
    assertThat(c.effectiveScopes()).containsExactly("openid", "profile", "email");
    assertThat(c.basicAuthUnsupported()).isNull();
    assertThat(c.promptType()).isNull();
    assertThat(c.userNameKey()).isEmpty();
    assertThat(c.providerDiscoveryOverrides().isEmpty()).isTrue();
    assertThat(c.claimModifications().newGroupFromClaims()).isEmpty();
    assertThat(c.getUserInfo()).isFalse();
  }

  @Test
  void keysMatchCaseInsensitivelyAsInGo() throws Exception {
    OidcConfig c =
        OidcConfigReader.readValid(
            "{\"Issuer\":\"https://i.example.com\",\"clientId\":\"x\",\"getuserinfo\":true}");
    assertThat(c.clientId()).isEqualTo("x");
    assertThat(c.getUserInfo()).isTrue();
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of("{}", "\"issuer\" is required"),
        Arguments.of("{\"issuer\":\"issuer.example.com\"}", "\"issuer\" must be an absolute"),
        Arguments.of("{\"issuer\":\"ftp://i.example.com\"}", "\"issuer\" must be an absolute"),
        Arguments.of("{\"issuer\":5}", "\"issuer\""),
        Arguments.of(
            "{\"issuer\":\"https://i\",\"insecureEnableGroups\":\"yes\"}",
            "\"insecureEnableGroups\": expected true or false"),
        Arguments.of(
            "{\"issuer\":\"https://i\",\"scopes\":\"email\"}", "\"scopes\": expected an array"),
        Arguments.of(
            "{\"issuer\":\"https://i\",\"claimMapping\":{\"email\":5}}",
            "\"claimMapping.email\": expected a string"),
        Arguments.of(
            "{\"issuer\":\"https://i\",\"claimModifications\":{\"newGroupFromClaims\":[{\"claims\":\"x\"}]}}",
            "\"claimModifications.newGroupFromClaims[0].claims\""),
        Arguments.of(
            "{\"issuer\":\"https://i\",\"hostedDomains\":[\"example.com\"]}",
            "\"hostedDomains\": support for the Hosted domains option had been deprecated"),
        Arguments.of(
            "{\"issuer\":\"https://i\",\"providerDiscoveryOverrides\":{\"jwksURL\":\"/keys\"}}",
            "\"providerDiscoveryOverrides.jwksURL\""),
        Arguments.of("{\"issuer\":\"https://i\",\"rootCAs\":[\"not a cert\"]}", "\"rootCAs[0]\""),
        Arguments.of("not json", "not valid JSON"),
        Arguments.of("[]", "must be a JSON object"),
        Arguments.of("{\"issuer\":\"https://i\"} trailing", "not valid JSON"),
        Arguments.of("", "empty"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("badConfigs")
  void badConfigFailsOpenNamingTheKey(String json, String message) {
    OidcConnectorFactory factory =
        new OidcConnectorFactory(MutableClock.atFixedStart(), TestConnectors.FAST);
    assertThatThrownBy(() -> factory.open("bad", json))
        .isInstanceOf(ConnectorException.class)
        .hasMessageContaining(message);
    assertThat(factory.validate(json)).anySatisfy(problem -> assertThat(problem).contains(message));
  }

  @Test
  void validateReportsEveryProblemAtOnce() {
    OidcConnectorFactory factory =
        new OidcConnectorFactory(MutableClock.atFixedStart(), TestConnectors.FAST);
    assertThat(
            factory.validate(
                "{\"hostedDomains\":[\"a\"],\"rootCAs\":[\"x\"],"
                    + "\"providerDiscoveryOverrides\":{\"tokenURL\":\"nope\"}}"))
        .hasSize(4);
    assertThat(factory.validate(FULL)).isEmpty();
  }

  @Test
  void rootCasAcceptPemTextBase64PemAndFilePath(@TempDir Path dir) throws Exception {
    String pem = UpstreamIssuer.testCaPem();
    Path file = dir.resolve("ca.pem");
    Files.writeString(file, pem);
    String base64 = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    assertThat(UpstreamTls.readAll(List.of(pem, base64, file.toString(), ""))).hasSize(3);
  }

  @Test
  void typeIsOidc() {
    assertThat(new OidcConnectorFactory(MutableClock.atFixedStart(), TestConnectors.FAST).type())
        .isEqualTo("oidc");
  }

  @Test
  void settingsRejectNonsense() {
    assertThatThrownBy(() ->
            UpstreamHttpSettings.defaults().withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
