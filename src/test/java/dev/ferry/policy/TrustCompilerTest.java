package dev.ferry.policy;

import static dev.ferry.policy.Rules.GITHUB;
import static dev.ferry.policy.Rules.compile;
import static dev.ferry.policy.Rules.rule;
import static dev.ferry.policy.Rules.trust;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrustCompilerTest {

  static Stream<Arguments> problems() {
    return Stream.of(
        Arguments.of(
            "a rule without a name",
            trust(rule("ok", "true"), rule("", "true")),
            "connectors[0].trust.rules[1].name: a rule needs a name"),
        Arguments.of(
            "a duplicate name",
            trust(rule("a", "true"), rule("a", "true")),
            "connectors[0].trust.rules[1].name: duplicate rule name \"a\" (also"
                + " connectors[0].trust.rules[0])"),
        Arguments.of(
            "an empty condition",
            trust(rule("a", "  ")),
            "connectors[0].trust.rules[0].condition: a rule needs a condition (CEL, bool)"),
        Arguments.of(
            "an empty clients list",
            trust(rule("a", "true").clients()),
            "connectors[0].trust.rules[0].clients: an empty list admits no client; omit clients"
                + " to admit any client"),
        Arguments.of(
            "a zero expiry",
            trust(rule("a", "true").expiry(Duration.ZERO)),
            "connectors[0].trust.rules[0].expiry: must be positive, not 0s"),
        Arguments.of(
            "a negative expiry",
            trust(rule("a", "true").expiry(Duration.ofMinutes(-5))),
            "connectors[0].trust.rules[0].expiry: must be positive, not -5m0s"),
        Arguments.of(
            "a reserved claim",
            trust(rule("a", "true").claim("sub", "claims.sub")),
            "connectors[0].trust.rules[0].claims.sub: Ferry sets this claim itself"),
        Arguments.of(
            "another reserved claim",
            trust(rule("a", "true").claim("federated_claims", "{}")),
            "connectors[0].trust.rules[0].claims.federated_claims: Ferry sets this claim itself"),
        Arguments.of(
            "a syntax error",
            trust(rule("a", "true"), rule("b", "claims.ref ==")),
            "connectors[0].trust.rules[1].condition: CEL 1:14: mismatched input"),
        Arguments.of(
            "an unknown variable",
            trust(rule("a", "token.ref == 'x'")),
            "connectors[0].trust.rules[0].condition: CEL 1:1: undeclared reference to 'token'"),
        Arguments.of(
            "a condition that is not a bool",
            trust(rule("a", "'yes'")),
            "connectors[0].trust.rules[0].condition: must be a bool, but its type is string"),
        Arguments.of(
            "a username that is not a string",
            trust(rule("a", "true").username("42")),
            "connectors[0].trust.rules[0].username: must be a string, but its type is int"),
        Arguments.of(
            "groups that are not a list of strings",
            trust(rule("a", "true").groups("[1, 2]")),
            "connectors[0].trust.rules[0].groups: must be a list(string), but its type is"
                + " list(int)"),
        Arguments.of(
            "groups that are a string",
            trust(rule("a", "true").groups("'admins'")),
            "connectors[0].trust.rules[0].groups: must be a list(string), but its type is string"),
        Arguments.of(
            "a claim that cannot be JSON",
            trust(rule("a", "true").claim("raw", "b'abc'")),
            "connectors[0].trust.rules[0].claims.raw: must be JSON (string, number, bool, list or"
                + " map), but its type is bytes"),
        Arguments.of(
            "a claim that is a list of timestamps",
            trust(rule("a", "true").claim("t", "[timestamp('2020-01-01T00:00:00Z')]")),
            "connectors[0].trust.rules[0].claims.t: must be JSON (string, number, bool, list or"
                + " map), but its type is list(google.protobuf.Timestamp)"),
        Arguments.of(
            "a claim with a type error",
            trust(rule("a", "true").claim("n", "1 + 'a'")),
            "connectors[0].trust.rules[0].claims.n: CEL 1:3: found no matching overload for"
                + " '_+_'"),
        Arguments.of(
            "an unknown field of request",
            trust(rule("a", "request.scopes.size() > 0 && client.id.startsWith(1)")),
            "connectors[0].trust.rules[0].condition: CEL 1:50: found no matching overload for 'startsWith'"),
        Arguments.of(
            "an empty audience of a rule",
            trust(rule("a", "true").audiences("billing", "")),
            "connectors[0].trust.rules[0].audiences[1]: an audience must not be empty"),
        Arguments.of(
            "an empty resource",
            trust(rule("a", "true"), rule("b", "true").resources(" ")),
            "connectors[0].trust.rules[1].resources[0]: a resource must not be empty"),
        Arguments.of(
            "a resource that is not a URI",
            trust(rule("a", "true").resources("https://api.example.com", "api")),
            "connectors[0].trust.rules[0].resources[1]: \"api\" is not an absolute URI (a"
                + " resource is an absolute URI without a fragment, RFC 8707)"),
        Arguments.of(
            "a relative resource",
            trust(rule("a", "true").resources("//api.example.com/v1")),
            "connectors[0].trust.rules[0].resources[0]: \"//api.example.com/v1\" is not an"
                + " absolute URI"),
        Arguments.of(
            "a resource with a fragment",
            trust(rule("a", "true").resources("https://api.example.com/v1#x")),
            "connectors[0].trust.rules[0].resources[0]: \"https://api.example.com/v1#x\" must"
                + " not contain a fragment (a resource is an absolute URI without a fragment, RFC"
                + " 8707)"),
        Arguments.of(
            "an empty audience",
            new TrustConfig(List.of("https://a", ""), Optional.empty(), false, List.of()),
            "connectors[0].trust.audiences[1]: an audience must not be empty"),
        Arguments.of(
            "a zero maxTokenAge",
            new TrustConfig(List.of(), Optional.of(Duration.ZERO), false, List.of()),
            "connectors[0].trust.maxTokenAge: must be positive, not 0s"),
        Arguments.of(
            "a negative maxTokenAge",
            new TrustConfig(List.of(), Optional.of(Duration.ofSeconds(-1)), false, List.of()),
            "connectors[0].trust.maxTokenAge: must be positive, not -1s"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void problems(String what, TrustConfig config, String problem) {
    CompiledTrust compiled = compile(Optional.empty(), config);

    assertThat(compiled.problems()).hasSize(1);
    assertThat(compiled.problems().get(0)).startsWith(problem).doesNotContain("\n");
    assertThat(compiled.trust()).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    CompiledTrust compiled =
        compile(
            Optional.empty(),
            trust(rule("", "x =="), rule("b", "true").clients().claim("iss", "'x'")));

    assertThat(compiled.problems())
        .hasSize(4)
        .anyMatch(p -> p.startsWith("connectors[0].trust.rules[0].name: "))
        .anyMatch(p -> p.startsWith("connectors[0].trust.rules[0].condition: "))
        .anyMatch(p -> p.startsWith("connectors[0].trust.rules[1].clients: "))
        .anyMatch(p -> p.startsWith("connectors[0].trust.rules[1].claims.iss: "));
  }

  @Test
  void aValidBlockCompiles() {
    CompiledTrust compiled =
        compile(
            Optional.empty(),
            trust(
                rule("a", "claims.ref == 'refs/heads/main' && 'deployer' == client.id")
                    .username("claims.sub")
                    .groups("['deployers', 'repo:' + claims.repository]")
                    .claim("environment", "has(claims.environment) ? claims.environment : ''")
                    .claim("ids", "[1, 2.5, true, {'k': 'v'}]")
                    .expiry(Duration.ofMinutes(15)),
                rule("b", "'openid' in request.scopes").audit()));

    assertThat(compiled.problems()).isEmpty();
    assertThat(compiled.warnings()).isEmpty();
    assertThat(compiled.trust()).isPresent();
  }

  static Stream<Arguments> pinning() {
    String gitlab = "https://gitlab.com";
    String buildkite = "https://agent.buildkite.com";
    String terraform = "https://app.terraform.io";
    return Stream.of(
        Arguments.of(GITHUB, "claims.repository_owner_id == '1234' && claims.ref == 'x'", true),
        Arguments.of(GITHUB + "/", "claims.ref == 'x' && claims.repository_id == '42'", true),
        Arguments.of(GITHUB, "'1234' == claims.enterprise_id", true),
        Arguments.of(GITHUB, "claims['repository_owner_id'] == '1234'", true),
        Arguments.of(GITHUB, "claims.repository_owner_id in ['1', '2']", true),
        Arguments.of(
            GITHUB, "claims.ref == 'x' && (claims.a == 'b' && claims.repository_id == '4')", true),
        Arguments.of(GITHUB, "claims.repository_owner == 'octo-org'", false),
        Arguments.of(GITHUB, "claims.repository_owner_id == '1' || claims.ref == 'x'", false),
        Arguments.of(GITHUB, "claims.ref == 'x' && (claims.repository_id == '1' || true)", false),
        Arguments.of(GITHUB, "claims.repository_owner_id != '1'", false),
        Arguments.of(GITHUB, "claims.repository_owner_id == claims.repository_id", false),
        Arguments.of(GITHUB, "claims.repository_owner_id in claims.allowed", false),
        Arguments.of(GITHUB, "claims.repository_owner_id in []", false),
        Arguments.of(GITHUB, "claims.repository_owner_id in ['1', claims.x]", false),
        Arguments.of(GITHUB, "claims.repository_owner_id == null", false),
        // GitHub sends the IDs as strings: a number would never match, so it pins nothing.
        Arguments.of(GITHUB, "claims.repository_owner_id == 1234567", false),
        Arguments.of(GITHUB, "claims.repository_owner_id in [1, 2]", false),
        Arguments.of(GITHUB, "claims.repository_owner_id == true", false),
        Arguments.of(GITHUB, "!(claims.repository_owner_id == '1')", false),
        Arguments.of(GITHUB, "[claims.x].exists(c, claims.repository_owner_id == '1')", false),
        Arguments.of(gitlab, "claims.namespace_id == '77' && claims.ref_protected == 'true'", true),
        Arguments.of(gitlab, "claims.project_id in ['1', '2']", true),
        Arguments.of(gitlab, "claims.namespace_path == 'my-group'", false),
        Arguments.of(gitlab, "claims.repository_owner_id == '1'", false),
        Arguments.of(buildkite, "'0190-uuid' == claims.organization_id", true),
        Arguments.of(buildkite, "claims.organization_slug == 'acme'", false),
        Arguments.of(terraform, "claims.terraform_organization_id == 'org-abc'", true),
        Arguments.of(terraform, "claims.terraform_organization_name == 'acme'", false));
  }

  @ParameterizedTest(name = "{0}: {1} pins: {2}")
  @MethodSource
  void pinning(String issuer, String condition, boolean pins) {
    CompiledTrust compiled = compile(Optional.of(issuer), trust(rule("r", condition)));

    if (pins) {
      assertThat(compiled.problems()).isEmpty();
    } else {
      assertThat(compiled.problems())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith(
              "connectors[0].trust.rules[0].condition: rule \"r\" does not pin the tenant of the shared issuer "
                  + (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer));
    }
  }

  @Test
  void theUnpinnedMessageNamesTheClaimsThatWouldPin() {
    CompiledTrust compiled =
        compile(
            Optional.of(GITHUB),
            trust(rule("ok", "claims.repository_id == '1'"), rule("deploy", "true").audit()));

    assertThat(compiled.problems())
        .containsExactly(
            "connectors[0].trust.rules[1].condition: rule \"deploy\" does not pin the tenant of"
                + " the shared issuer https://token.actions.githubusercontent.com (GitHub"
                + " Actions): its condition must compare one of claims.repository_owner_id,"
                + " claims.repository_id, claims.enterprise_id with == to a string literal (or"
                + " with in to a list of string literals) at the top level of its && chain (the"
                + " issuer sends these claims as strings)");
  }

  @Test
  void aBlockWithoutEnforceRulesOnASharedIssuerWarnsThatItPinsNothing() {
    String warning =
        "connectors[0].trust: the trust block has no enforce rule, so any repository or project"
            + " on GitHub Actions (https://token.actions.githubusercontent.com) can exchange its"
            + " tokens through this connector (audit-mode rules only record). Add an enforce rule"
            + " that pins your tenant with claims.repository_owner_id == \"...\","
            + " claims.repository_id == \"...\" or claims.enterprise_id == \"...\" (see"
            + " docs/trust-policies.md)";
    assertThat(compile(Optional.of(GITHUB), trust()).warnings()).containsExactly(warning);
    assertThat(
            compile(
                    Optional.of(GITHUB),
                    trust(rule("rollout", "claims.repository_owner_id == '1'").audit()))
                .warnings())
        .containsExactly(warning);
    assertThat(
            compile(Optional.of(GITHUB), trust(rule("r", "claims.repository_owner_id == '1'")))
                .warnings())
        .isEmpty();
    assertThat(compile(Optional.of("https://dex.example.com"), trust()).warnings()).isEmpty();
  }

  @Test
  void anIssuerThatIsNotSharedNeedsNoPin() {
    CompiledTrust compiled =
        compile(Optional.of("https://dex.example.com"), trust(rule("r", "true")));

    assertThat(compiled.problems()).isEmpty();
  }

  static Stream<Arguments> mutableClaims() {
    return Stream.of(
        Arguments.of("claims.repository_owner == 'octo-org'", List.of("claims.repository_owner")),
        Arguments.of(
            "claims.repository == 'o/r' && claims.actor == 'x'",
            List.of("claims.repository", "claims.actor")),
        Arguments.of("claims['project_path'] == 'g/p'", List.of("claims.project_path")),
        Arguments.of("claims.namespace_path.startsWith('g')", List.of("claims.namespace_path")),
        Arguments.of(
            "claims.repository_owner == 'o' && claims.repository_owner_id == '1'", List.of()),
        Arguments.of("claims.ref == 'refs/heads/main'", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void mutableClaims(String condition, List<String> named) {
    CompiledTrust compiled = compile(Optional.empty(), trust(rule("r", condition)));

    assertThat(compiled.problems()).isEmpty();
    if (named.isEmpty()) {
      assertThat(compiled.warnings()).isEmpty();
    } else {
      assertThat(compiled.warnings())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("connectors[0].trust.rules[0].condition: rule \"r\" names the mutable claim")
          .contains(named)
          .contains("none of the immutable ID claims")
          .contains("GitHub recycles names");
    }
  }

  @Test
  void theMutableClaimWarningText() {
    CompiledTrust compiled =
        compile(Optional.empty(), trust(rule("r", "claims.repository_owner == 'octo-org'")));

    assertThat(compiled.warnings())
        .containsExactly(
            "connectors[0].trust.rules[0].condition: rule \"r\" names the mutable claim"
                + " claims.repository_owner but none of the immutable ID claims: an owner,"
                + " repository or project can be renamed or deleted and its name registered"
                + " again by someone else (GitHub recycles names), whose tokens would then"
                + " match; compare claims.repository_owner_id as well");
  }

  @Test
  void theUnprotectedIssuerWarningNamesTheIssuerTheClientsAndTheDocs() {
    assertThat(
            TrustCompiler.unprotectedIssuerWarning(
                "connectors[0]",
                "github-actions",
                Optional.of(GITHUB + "/"),
                List.of("my-app", "deployer")))
        .hasValue(
            "connectors[0]: connector \"github-actions\" trusts the shared issuer"
                + " https://token.actions.githubusercontent.com (GitHub Actions) without a trust"
                + " block, so any repository or project on GitHub Actions can exchange its tokens"
                + " through it; each of them can get tokens for the clients that can use the"
                + " connector:"
                + " my-app, deployer. Add a trust block whose rules pin your tenant with"
                + " claims.repository_owner_id == \"...\", claims.repository_id == \"...\" or"
                + " claims.enterprise_id == \"...\" (see docs/trust-policies.md)");
    assertThat(
            TrustCompiler.unprotectedIssuerWarning(
                "connectors[1]", "gitlab", Optional.of("https://gitlab.com"), List.of()))
        .hasValueSatisfying(warning ->
            assertThat(warning)
                .contains("(GitLab.com)")
                .contains("no client can use it currently")
                .contains("claims.namespace_id == \"...\" or claims.project_id == \"...\""));
    assertThat(
            TrustCompiler.unprotectedIssuerWarning(
                "connectors[0]", "dex", Optional.of("https://dex.example.com"), List.of("a")))
        .isEmpty();
    assertThat(
            TrustCompiler.unprotectedIssuerWarning(
                "connectors[0]", "x", Optional.empty(), List.of("a")))
        .isEmpty();
  }
}
