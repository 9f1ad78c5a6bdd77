package dev.ferry.connector.oidc;

import static dev.ferry.oauth2.TokenTypes.ID_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.connector.Identity;
import dev.ferry.connector.IdentityException;
import dev.ferry.testing.MutableClock;
import dev.ferry.testing.UpstreamIssuer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Claim mapping end to end (signed token in, Identity out), with the cases of Dex's
 * TestHandleCallback (Dex: connector/oidc/oidc_test.go TestHandleCallback) and the HEAD-only group
 * rules of connector/oidc/oidc.go oidcConnector.createIdentity. As in Dex's test, the connector has
 * {@code insecureEnableGroups: true} and scopes {@code [email, groups]} unless the case says
 * otherwise.
 */
class OidcClaimMappingTest {

  private static final MutableClock CLOCK = MutableClock.atFixedStart();
  private static UpstreamIssuer upstream;

  @BeforeAll
  static void startUpstream() {
    upstream = UpstreamIssuer.builder().clock(CLOCK).start();
  }

  @AfterAll
  static void stopUpstream() {
    upstream.close();
  }

  /** One row: connector config, token claims, and the expected identity or error. */
  record Case(
      String name,
      Map<String, Object> config,
      Map<String, Object> claims,
      String userId,
      String username,
      String preferredUsername,
      String email,
      boolean emailVerified,
      List<String> groups,
      String error) {

    static Case of(String name) {
      return new Case(
          name, Map.of(), Map.of(), "subvalue", "namevalue", "", "emailvalue", true, List.of(), "");
    }

    Case config(Object... keyValues) {
      return new Case(
          name,
          pairs(config, keyValues),
          claims,
          userId,
          username,
          preferredUsername,
          email,
          emailVerified,
          groups,
          error);
    }

    Case claims(Object... keyValues) {
      return new Case(
          name,
          config,
          pairs(claims, keyValues),
          userId,
          username,
          preferredUsername,
          email,
          emailVerified,
          groups,
          error);
    }

    Case expect(
        String userId,
        String username,
        String preferredUsername,
        String email,
        boolean emailVerified,
        List<String> groups) {
      return new Case(
          name,
          config,
          claims,
          userId,
          username,
          preferredUsername,
          email,
          emailVerified,
          groups,
          "");
    }

    Case expectGroups(String... expected) {
      return expect(userId, username, preferredUsername, email, emailVerified, List.of(expected));
    }

    Case fails(String message) {
      return new Case(
          name,
          config,
          claims,
          userId,
          username,
          preferredUsername,
          email,
          emailVerified,
          groups,
          message);
    }

    @Override
    public String toString() {
      return name;
    }

    private static Map<String, Object> pairs(Map<String, Object> base, Object... keyValues) {
      Map<String, Object> map = new LinkedHashMap<>(base);
      for (int i = 0; i < keyValues.length; i += 2) {
        map.put((String) keyValues[i], keyValues[i + 1]);
      }
      return map;
    }
  }

  private static final Object[] STANDARD =
      new Object[] {
        "sub", "subvalue", "name", "namevalue", "email", "emailvalue", "email_verified", true
      };

  static Stream<Case> dexHandleCallbackCases() {
    return Stream.of(
        Case.of("simpleCase")
            .claims(STANDARD)
            .claims("groups", List.of("group1", "group2"))
            .expectGroups("group1", "group2"),
        Case.of("customEmailClaim")
            .config("claimMapping", Map.of("email", "mail"))
            .claims("sub", "subvalue", "name", "namevalue", "mail", "emailvalue")
            .claims("email_verified", true),
        Case.of("overrideWithCustomEmailClaim")
            .config("overrideClaimMapping", true, "claimMapping", Map.of("email", "custommail"))
            .claims(STANDARD)
            .claims("custommail", "customemailvalue")
            .expect("subvalue", "namevalue", "", "customemailvalue", true, List.of()),
        Case.of("email_verified not in claims, configured to be skipped")
            .config("insecureSkipEmailVerified", true)
            .claims("sub", "subvalue", "name", "namevalue", "email", "emailvalue"),
        Case.of("withUserIDKey")
            .config("userIDKey", "name")
            .claims(STANDARD)
            .expect("namevalue", "namevalue", "", "emailvalue", true, List.of()),
        Case.of("withUserNameKey")
            .config("userNameKey", "user_name")
            .claims("sub", "subvalue", "user_name", "username", "email", "emailvalue")
            .claims("email_verified", true)
            .expect("subvalue", "username", "", "emailvalue", true, List.of()),
        Case.of("withPreferredUsernameKey")
            .config("claimMapping", Map.of("preferred_username", "username_key"))
            .claims(STANDARD)
            .claims("username_key", "username_value")
            .expect("subvalue", "namevalue", "username_value", "emailvalue", true, List.of()),
        Case.of("withoutPreferredUsernameKeyAndBackendReturns")
            .claims(STANDARD)
            .claims("preferred_username", "preferredusernamevalue")
            .expect(
                "subvalue", "namevalue", "preferredusernamevalue", "emailvalue", true, List.of()),
        Case.of("withoutPreferredUsernameKeyAndBackendNotReturn").claims(STANDARD),
        Case.of("emptyEmailScope")
            .config("scopes", List.of("groups"), "insecureSkipEmailVerified", true)
            .claims("sub", "subvalue", "name", "namevalue", "user_name", "username")
            .expect("subvalue", "namevalue", "", "", true, List.of()),
        Case.of("emptyEmailScopeButEmailProvided")
            .config("scopes", List.of("groups"), "insecureSkipEmailVerified", true)
            .claims("sub", "subvalue", "name", "namevalue", "user_name", "username")
            .claims("email", "emailvalue"),
        Case.of("customGroupsKey")
            .config("scopes", List.of("groups"), "insecureSkipEmailVerified", true)
            .config("claimMapping", Map.of("groups", "cognito:groups"))
            .claims("sub", "subvalue", "name", "namevalue", "email", "emailvalue")
            .claims("cognito:groups", List.of("group3", "group4"))
            .expectGroups("group3", "group4"),
        Case.of("customGroupsKeyButGroupsProvided")
            .config("scopes", List.of("groups"), "insecureSkipEmailVerified", true)
            .config("claimMapping", Map.of("groups", "cognito:groups"))
            .claims("sub", "subvalue", "name", "namevalue", "email", "emailvalue")
            .claims("groups", List.of("group1", "group2"))
            .claims("cognito:groups", List.of("group3", "group4"))
            .expectGroups("group1", "group2"),
        Case.of("customGroupsKeyDespiteGroupsProvidedButOverride")
            .config("scopes", List.of("groups"), "insecureSkipEmailVerified", true)
            .config("overrideClaimMapping", true)
            .config("claimMapping", Map.of("groups", "cognito:groups"))
            .claims("sub", "subvalue", "name", "namevalue", "email", "emailvalue")
            .claims("groups", List.of("group1", "group2"))
            .claims("cognito:groups", List.of("group3", "group4"))
            .expectGroups("group3", "group4"),
        Case.of("singularGroupResponseAsString")
            .claims(STANDARD)
            .claims("groups", "group1")
            .expectGroups("group1"),
        Case.of("newGroupFromClaims")
            .config("claimModifications", Map.of("newGroupFromClaims", newGroupRules()))
            .claims(STANDARD)
            .claims("groups", "group1", "organization", "acme", "pipeline", "pipeline-one")
            .claims("claim-with-delimiter", "foo-bar")
            .claims("non-string-claim", List.of("element1", "element2"))
            .claims("non-string-claim2", 666)
            .expectGroups(
                "group1",
                "gh::acme::pipeline-one",
                "clr_delim-acme-foobar",
                "keep_delim-acme-foo-bar",
                "bk-emailvalue"),
        Case.of("groupsAsObjectsWithName")
            .claims(STANDARD)
            .claims("groups", List.of(Map.of("name", "group1"), Map.of("name", "group2")))
            .expectGroups("group1", "group2"),
        Case.of("filterGroupClaims")
            .config(
                "claimModifications",
                Map.of("filterGroupClaims", Map.of("groupsFilter", "^.*\\d$")))
            .claims(STANDARD)
            .claims("groups", List.of("group1", "groupA", Map.of("name", "group2"), "ops"))
            .expectGroups("group1", "group2"),
        Case.of("groupPrefix")
            .config("claimModifications", Map.of("modifyGroupNames", Map.of("prefix", "pre-")))
            .claims(STANDARD)
            .claims("groups", List.of("group1", "group2"))
            .expectGroups("pre-group1", "pre-group2"),
        Case.of("groupSuffix")
            .config("claimModifications", Map.of("modifyGroupNames", Map.of("suffix", "-suf")))
            .claims(STANDARD)
            .claims("groups", List.of("group1", "group2"))
            .expectGroups("group1-suf", "group2-suf"),
        Case.of("groupPrefixAndSuffix")
            .config(
                "claimModifications",
                Map.of("modifyGroupNames", Map.of("prefix", "pre-", "suffix", "-suf")))
            .claims(STANDARD)
            .claims("groups", List.of("group1"))
            .expectGroups("pre-group1-suf"));
  }

  static Stream<Case> dexRuleCases() {
    return Stream.of(
        Case.of("filter is not applied to a single string group")
            .config(
                "claimModifications",
                Map.of("filterGroupClaims", Map.of("groupsFilter", "^.*\\d$")))
            .claims(STANDARD)
            .claims("groups", "admins")
            .expectGroups("admins"),
        Case.of("invalid groupsFilter is ignored")
            .config("claimModifications", Map.of("filterGroupClaims", Map.of("groupsFilter", "(")))
            .claims(STANDARD)
            .claims("groups", List.of("a", "b"))
            .expectGroups("a", "b"),
        Case.of("string groups claim falls back to claimMapping.groups")
            .config("claimMapping", Map.of("groups", "roles"))
            .claims(STANDARD)
            .claims("groups", "ignored", "roles", List.of("r1"))
            .expectGroups("r1"),
        Case.of("allowedGroups keeps token order")
            .config("allowedGroups", List.of("c", "a"))
            .claims(STANDARD)
            .claims("groups", List.of("a", "b", "c"))
            .expectGroups("a", "c"),
        Case.of("allowedGroups before prefix, newGroupFromClaims after both")
            .config("allowedGroups", List.of("a"))
            .config(
                "claimModifications",
                Map.of(
                    "modifyGroupNames",
                    Map.of("prefix", "p:"),
                    "newGroupFromClaims",
                    List.of(Map.of("claims", List.of("sub"), "delimiter", "/", "prefix", "n"))))
            .claims(STANDARD)
            .claims("groups", List.of("a", "b"))
            .expectGroups("p:a", "n/subvalue"),
        Case.of("allowedGroups with no match")
            .config("allowedGroups", List.of("admins"))
            .claims(STANDARD)
            .claims("groups", List.of("a"))
            .fails("user not a member of allowed groups"),
        Case.of("groups need insecureEnableGroups, newGroupFromClaims does not")
            .config("insecureEnableGroups", false)
            .config(
                "claimModifications",
                Map.of(
                    "newGroupFromClaims",
                    List.of(Map.of("claims", List.of("org"), "delimiter", ":", "prefix", "gh"))))
            .claims(STANDARD)
            .claims("groups", List.of("a"), "org", "acme")
            .expectGroups("gh:acme"),
        Case.of("allowedGroups ignored without insecureEnableGroups")
            .config("insecureEnableGroups", false, "allowedGroups", List.of("admins"))
            .claims(STANDARD)
            .claims("groups", List.of("a")),
        Case.of("malformed groups element")
            .claims(STANDARD)
            .claims("groups", List.of("a", 7))
            .fails("malformed \"groups\" claim"),
        Case.of("group object without a string name is skipped")
            .claims(STANDARD)
            .claims("groups", List.of(Map.of("id", 1), Map.of("name", "g")))
            .expectGroups("g"),
        Case.of("sub that is not a string")
            .claims(STANDARD)
            .claims("sub", 42)
            .fails("missing \"sub\" claim"),
        Case.of("missing userIDKey claim")
            .config("userIDKey", "uid")
            .claims(STANDARD)
            .fails("oidc: not found uid claim"),
        Case.of("missing email_verified with email scope")
            .claims("sub", "subvalue", "name", "namevalue", "email", "emailvalue")
            .fails("missing \"email_verified\" claim"),
        Case.of("email_verified false stays false despite insecureSkipEmailVerified")
            .config("insecureSkipEmailVerified", true)
            .claims(STANDARD)
            .claims("email_verified", false)
            .expect("subvalue", "namevalue", "", "emailvalue", false, List.of()),
        Case.of("email_verified as a string is not a bool")
            .claims(STANDARD)
            .claims("email_verified", "true")
            .fails("missing \"email_verified\" claim"),
        Case.of("no email scope, no email_verified: false")
            .config("scopes", List.of("groups"))
            .claims("sub", "subvalue", "name", "namevalue")
            .expect("subvalue", "namevalue", "", "", false, List.of()),
        Case.of("missing custom email key is named")
            .config("claimMapping", Map.of("email", "mail"))
            .claims("sub", "subvalue", "name", "namevalue", "email_verified", true)
            .fails("missing email claim, not found \"mail\" key"),
        Case.of("preferred_username from the token wins without override")
            .config("claimMapping", Map.of("preferred_username", "login"))
            .claims(STANDARD)
            .claims("preferred_username", "pu", "login", "lg")
            .expect("subvalue", "namevalue", "pu", "emailvalue", true, List.of()),
        Case.of("preferred_username mapping wins with override")
            .config(
                "overrideClaimMapping", true, "claimMapping", Map.of("preferred_username", "login"))
            .claims(STANDARD)
            .claims("preferred_username", "pu", "login", "lg")
            .expect("subvalue", "namevalue", "lg", "emailvalue", true, List.of()));
  }

  private static List<Map<String, Object>> newGroupRules() {
    return List.of(
        Map.of("claims", List.of("organization", "pipeline"), "delimiter", "::", "prefix", "gh"),
        Map.of(
            "claims",
            List.of("non-existing1", "non-existing2"),
            "delimiter",
            "::",
            "prefix",
            "tfe"),
        Map.of(
            "claims",
            List.of("organization", "claim-with-delimiter"),
            "delimiter",
            "-",
            "clearDelimiter",
            true,
            "prefix",
            "clr_delim"),
        Map.of(
            "claims",
            List.of("organization", "claim-with-delimiter"),
            "delimiter",
            "-",
            "prefix",
            "keep_delim"),
        Map.of(
            "claims",
            List.of("non-string-claim", "non-string-claim2", "email"),
            "delimiter",
            "-",
            "prefix",
            "bk"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"dexHandleCallbackCases", "dexRuleCases"})
  void mapsClaims(Case c) throws Exception {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("scopes", List.of("email", "groups"));
    config.put("insecureEnableGroups", true);
    config.putAll(c.config());
    String token =
        upstream
            .token()
            .noClaims()
            .issuer(upstream.issuer())
            .expiresAt(CLOCK.instant().plus(Duration.ofHours(1)))
            .claims(c.claims())
            .build();
    try (OidcConnector connector = TestConnectors.open(upstream, CLOCK, config)) {
      if (!c.error().isEmpty()) {
        assertThatThrownBy(() -> connector.tokenIdentity(ID_TOKEN, token).identity())
            .isInstanceOf(IdentityException.class)
            .hasMessage(c.error());
        return;
      }
      Identity identity = connector.tokenIdentity(ID_TOKEN, token).identity();
      assertThat(identity.userId()).isEqualTo(c.userId());
      assertThat(identity.username()).isEqualTo(c.username());
      assertThat(identity.preferredUsername()).isEqualTo(c.preferredUsername());
      assertThat(identity.email()).isEqualTo(c.email());
      assertThat(identity.emailVerified()).isEqualTo(c.emailVerified());
      assertThat(identity.groups()).containsExactlyElementsOf(c.groups());
    }
  }
}
