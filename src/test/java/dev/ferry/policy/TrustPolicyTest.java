package dev.ferry.policy;

import static dev.ferry.policy.Rules.NOW;
import static dev.ferry.policy.Rules.compiled;
import static dev.ferry.policy.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.connector.Identity;
import dev.ferry.connector.SubjectToken;
import dev.ferry.connector.VerifiedSubject;
import dev.ferry.oauth2.OAuthError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrustPolicyTest {
  /** Not a shared issuer: the rules here are compiled without one. */
  private static final String ISSUER = "https://issuer.example.com";

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Map<String, Object> CLAIMS =
      Map.of("repository_owner_id", "1234", "ref", "refs/heads/main");

  private static PolicyRequest request(String connector, SubjectToken token) {
    Identity identity = new Identity("u", "u", "", "", false, List.of(), new byte[0]);
    return new PolicyRequest(
        "my-app", connector, List.of("openid"), new VerifiedSubject(token, CLAIMS, identity));
  }

  private static SubjectToken token(Optional<Instant> exp, Optional<String> jti) {
    return new SubjectToken(
        "t",
        ISSUER,
        List.of("https://ferry.example.com"),
        Optional.of(NOW.minusSeconds(30)),
        exp,
        jti);
  }

  private static TrustPolicy policy(TrustConfig config) {
    return new TrustPolicy(Map.of("gh", compiled(config)), CLOCK);
  }

  private static TrustConfig config(boolean singleUse, Rules.Rule... rules) {
    return new TrustConfig(
        List.of("https://ferry.example.com"),
        Optional.of(Duration.ofMinutes(10)),
        singleUse,
        Stream.of(rules).map(Rules.Rule::build).toList());
  }

  @Test
  void aConnectorWithoutTrustIsAllowedUnchanged() {
    TrustPolicy policy = policy(config(false, rule("r", "false")));

    assertThat(policy.evaluate(request("other", token(Optional.empty(), Optional.empty()))))
        .isEqualTo(PolicyDecision.allow());
  }

  @Test
  void aTokenCheckFailureIsATokenRefusalWithoutDescription() {
    TrustPolicy policy = policy(config(true, rule("r", "true")));

    PolicyDecision decision =
        policy.evaluate(request("gh", token(Optional.of(NOW.plusSeconds(60)), Optional.empty())));

    assertThat(decision)
        .isEqualTo(
            new PolicyDecision.Deny(
                OAuthError.ACCESS_DENIED,
                Optional.empty(),
                "subject token has no jti, which singleUse needs",
                PolicyDecision.Refusal.TOKEN,
                TrustReport.none()));
  }

  @Test
  void rulesThatRefuseAreAPolicyRefusalWithTheFixedDescriptionAndTheReport() {
    TrustPolicy policy =
        policy(
            config(
                false,
                rule("main", "claims.ref == 'refs/heads/dev'"),
                rule("deployer", "true").clients("deployer"),
                rule("watch", "claims.nope == 1").audit()));

    PolicyDecision decision =
        policy.evaluate(request("gh", token(Optional.of(NOW.plusSeconds(60)), Optional.empty())));

    assertThat(decision).isInstanceOf(PolicyDecision.Deny.class);
    PolicyDecision.Deny deny = (PolicyDecision.Deny) decision;
    assertThat(deny.error()).isEqualTo(OAuthError.ACCESS_DENIED);
    assertThat(deny.description())
        .hasValue("The subject token is not allowed by the connector's trust rules.");
    assertThat(deny.refusal()).isEqualTo(PolicyDecision.Refusal.POLICY);
    assertThat(deny.reason())
        .startsWith(
            "no enforce rule matched: main: no_match (claims.ref == \"refs/heads/dev\" was false"
                + " (claims.ref = \"refs/heads/main\")); deployer: not_for_client; watch (audit):"
                + " error (claims.nope == 1: ");
    assertThat(deny.report().rule()).isEmpty();
    assertThat(deny.report().rules())
        .extracting(RuleOutcome::result)
        .containsExactly(RuleResult.NO_MATCH, RuleResult.NOT_FOR_CLIENT, RuleResult.ERROR);
  }

  static Stream<Arguments> anAllowedSingleUseTokenIsHandedToTheGrantToRecord() {
    Instant exp = NOW.plusSeconds(120);
    return Stream.of(
        // The token's exp, when it has one.
        Arguments.of(Optional.of(exp), exp),
        // Otherwise as long as maxTokenAge accepts it: iat may be 5 minutes ahead of now.
        Arguments.of(Optional.empty(), NOW.plus(Duration.ofMinutes(15))));
  }

  @ParameterizedTest(name = "exp {0}: recorded until {1}")
  @MethodSource
  void anAllowedSingleUseTokenIsHandedToTheGrantToRecord(Optional<Instant> exp, Instant until) {
    TrustPolicy policy =
        policy(config(true, rule("main", "claims.ref == 'refs/heads/main'").username("'deploy'")));

    PolicyDecision decision = policy.evaluate(request("gh", token(exp, Optional.of("jti-7"))));

    assertThat(decision).isInstanceOf(PolicyDecision.Allow.class);
    PolicyDecision.Allow allow = (PolicyDecision.Allow) decision;
    assertThat(allow.singleUse()).hasValue(new SingleUse(ISSUER, "jti-7", until));
    assertThat(allow.shaping().username()).hasValue("deploy");
    assertThat(allow.report().rule()).hasValue("main");
  }

  @Test
  void withoutMaxTokenAgeOrExpTheRecordIsKeptADay() {
    TrustPolicy policy = policy(new TrustConfig(List.of(), Optional.empty(), true, List.of()));

    PolicyDecision.Allow allow =
        (PolicyDecision.Allow)
            policy.evaluate(request("gh", token(Optional.empty(), Optional.of("j"))));

    assertThat(allow.singleUse())
        .hasValue(new SingleUse(ISSUER, "j", NOW.plus(Duration.ofHours(24))));
  }

  @Test
  void anAllowedTokenWithoutSingleUseHasNone() {
    PolicyDecision.Allow allow =
        (PolicyDecision.Allow)
            policy(config(false, rule("main", "true")))
                .evaluate(request("gh", token(Optional.of(NOW.plusSeconds(60)), Optional.of("j"))));

    assertThat(allow.singleUse()).isEmpty();
    assertThat(allow.shaping().notAfter()).hasValue(NOW.plusSeconds(60));
  }
}
