package dev.ferry.cli;

import static dev.ferry.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.ferry.cli.CliRun.Result;
import dev.ferry.testing.UpstreamIssuer;
import dev.ferry.testing.UpstreamToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ferry policy explain} as an operator runs it: allowed, refused with the false conjuncts
 * and the claim values they saw, {@code --json}, {@code --verify} against an in-process upstream,
 * and the exit statuses 0, 1 and 2.
 */
class PolicyExplainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The command configures logging as {@code serve} does; later test classes get theirs back. */
  @AfterAll
  static void restoreTestLogging() throws Exception {
    CliRun.restoreTestLogging();
  }

  private static String config(String upstreamIssuer) {
    return """
    issuer: http://127.0.0.1:5556/dex
    storage: {type: memory}
    web: {http: 127.0.0.1:5556}
    connectors:
    - type: oidc
      id: github-actions
      name: GitHub Actions
      config:
        issuer: %s
        scopes: [openid, groups]
        userNameKey: sub
      trust:
        audiences: ["https://ferry.example.com"]
        rules:
        - name: deploy-from-main
          clients: [deployer]
          condition: >-
            claims.repository_owner_id == "1234567" &&
            claims.ref == "refs/heads/main" && claims.event_name == "push"
          username: 'claims.repository'
          groups: '["deployers", "repo:" + claims.repository]'
          claims:
            repository: claims.repository
          expiry: 15m
        - name: watch
          mode: audit
          condition: claims.repository_owner_id in ["1234567"] && claims.ref.startsWith("refs/tags/")
    - type: oidc
      id: plain
      name: The same issuer, without trust
      config:
        issuer: %1$s
        scopes: [openid]
        userNameKey: sub
    - type: oidc
      id: unguarded
      name: The guide's connector
      config:
        issuer: https://token.actions.githubusercontent.com
    staticClients:
    - {id: deployer, name: Deployer, secret: s}
    """
        .formatted(upstreamIssuer);
  }

  private Path file(String name, String content) throws Exception {
    Path path = dir.resolve(name);
    Files.writeString(path, content, StandardCharsets.UTF_8);
    return path;
  }

  private Result explain(Map<String, Object> claims, String client, String... extra)
      throws Exception {
    Path config = file("config.yaml", config("https://token.actions.githubusercontent.com"));
    Path claimsFile = file("claims.json", JSON.writeValueAsString(claims));
    return explain(config, "github-actions", client, "--claims", claimsFile, extra);
  }

  /** Explains the token in {@code token} for the client {@code deployer}. */
  private static Result explainToken(Path config, Path token, String... extra) {
    return explain(config, "github-actions", "deployer", "--token", token, extra);
  }

  /** {@code ferry policy explain CONFIG --connector CONNECTOR --client CLIENT ...}. */
  private static Result explain(
      Path config,
      String connector,
      String client,
      String inputOption,
      Path input,
      String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "policy",
                "explain",
                config.toString(),
                "--connector",
                connector,
                "--client",
                client,
                inputOption,
                input.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static Map<String, Object> main() {
    return Map.of(
        "iss", "https://token.actions.githubusercontent.com",
        "aud", "https://ferry.example.com",
        "sub", "repo:octo/app:ref:refs/heads/main",
        "iat", Instant.now().getEpochSecond(),
        "exp", Instant.now().getEpochSecond() + 3600,
        "repository", "octo/app",
        "repository_owner_id", "1234567",
        "ref", "refs/heads/main",
        "event_name", "push");
  }

  private static Map<String, Object> with(String claim, Object value) {
    Map<String, Object> claims = new java.util.HashMap<>(main());
    claims.put(claim, value);
    return claims;
  }

  @Test
  void anAllowedTokenShowsTheDecidingRuleAndWhatWouldBeIssued() throws Exception {
    Result result = explain(main(), "deployer");
    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("connector: github-actions (issuer https://token.actions.githubusercontent.com)")
        .contains("signature: NOT verified (pass --verify to verify it as /token does)")
        .contains("token checks: passed")
        .contains("rule deploy-from-main (enforce): MATCH")
        .contains("rule watch (audit): NO MATCH")
        .contains("result: ALLOWED by rule deploy-from-main")
        .contains("username: \"octo/app\"")
        .contains("groups: [\"deployers\", \"repo:octo/app\"]")
        .containsPattern("lifetime: (899|900)s");
  }

  @Test
  void aRefusedTokenShowsEachFalseConjunctWithTheClaimValuesItSaw() throws Exception {
    Map<String, Object> claims = with("ref", "refs/heads/dev");
    claims.put("event_name", "pull_request");
    Result result = explain(claims, "deployer");
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out())
        .contains("rule deploy-from-main (enforce): NO MATCH")
        .contains("false: claims.ref == \"refs/heads/main\"   (claims.ref = \"refs/heads/dev\")")
        .contains("false: claims.event_name == \"push\"   (claims.event_name = \"pull_request\")")
        .contains("result: REFUSED (no enforce rule matched)");
  }

  @Test
  void aRuleForAnotherClientSaysSo() throws Exception {
    Result result = explain(main(), "someone-else");
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out()).contains("rule deploy-from-main (enforce): NOT FOR THIS CLIENT");
  }

  @Test
  void theTokenChecksAreExplainedToo() throws Exception {
    Result result = explain(with("aud", "https://elsewhere.example"), "deployer");
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out())
        .contains("token checks: REFUSED: subject token aud [https://elsewhere.example]")
        .contains("result: REFUSED (the token checks failed)");
  }

  @Test
  void jsonIsForMachines() throws Exception {
    Result refused = explain(with("ref", "refs/heads/dev"), "deployer", "--json");
    assertThat(refused.status()).isEqualTo(1);
    JsonNode json = JSON.readTree(refused.out());
    assertThat(json.path("allowed").asBoolean()).isFalse();
    assertThat(json.path("signature_verified").asBoolean()).isFalse();
    assertThat(json.path("connector").asText()).isEqualTo("github-actions");
    JsonNode rule = json.path("rules").get(0);
    assertThat(rule.path("name").asText()).isEqualTo("deploy-from-main");
    assertThat(rule.path("result").asText()).isEqualTo("no_match");
    assertThat(rule.path("reason").asText()).contains("refs/heads/dev");

    Result allowed = explain(main(), "deployer", "--json");
    assertThat(allowed.status()).isZero();
    JsonNode yes = JSON.readTree(allowed.out());
    assertThat(yes.path("allowed").asBoolean()).isTrue();
    assertThat(yes.path("rule").asText()).isEqualTo("deploy-from-main");
    assertThat(yes.path("issued").path("username").asText()).isEqualTo("octo/app");
    assertThat(yes.path("lifetime_seconds").asLong()).isBetween(899L, 900L);
  }

  @Test
  void anUnsignedTokenFromStandardInputIsReadButSaidToBeUnverified() throws Exception {
    Path config = file("config.yaml", config("https://token.actions.githubusercontent.com"));
    String token = new PlainJWT(JWTClaimsSet.parse(main())).serialize();
    PolicyCommand.Explain command = new PolicyCommand.Explain();
    picocli.CommandLine line = new picocli.CommandLine(command);
    command.stdin = new java.io.ByteArrayInputStream(token.getBytes(StandardCharsets.UTF_8));
    StringWriter out = new StringWriter();
    line.setOut(new PrintWriter(out, true));
    int status =
        line.execute(
            config.toString(),
            "--connector",
            "github-actions",
            "--client",
            "deployer",
            "--token",
            "-");
    assertThat(status).isZero();
    assertThat(out.toString()).contains("NOT verified").contains("result: ALLOWED");
  }

  @Test
  void aConnectorWithoutTrustIsAllowedAsInDexWithThePinningWarning() throws Exception {
    Path config = file("config.yaml", config("https://token.actions.githubusercontent.com"));
    Path claims = file("claims.json", JSON.writeValueAsString(main()));
    Result result = explain(config, "unguarded", "deployer", "--claims", claims);
    assertThat(result.status()).isZero();
    assertThat(result.out())
        .contains("trust: none")
        .contains("warning: connectors[2]: connector \"unguarded\" trusts the shared issuer");
  }

  @Test
  void verifyChecksTheTokenAsTheTokenEndpointDoes() throws Exception {
    try (UpstreamIssuer upstream = UpstreamIssuer.builder().userInfo(false).start()) {
      Path config = file("config.yaml", config(upstream.issuer()));
      UpstreamToken good =
          upstream
              .token()
              .audience("https://ferry.example.com")
              .claim("repository", "octo/app")
              .claim("repository_owner_id", "1234567")
              .claim("ref", "refs/heads/main")
              .claim("event_name", "push");
      Path token = file("token.jwt", good.build());
      Result verified = explainToken(config, token, "--verify");
      assertThat(verified.status()).as(verified.out() + verified.err()).isZero();
      assertThat(verified.out())
          .contains("signature: verified")
          .contains("result: ALLOWED by rule deploy-from-main")
          .contains("username: \"octo/app\"")
          .doesNotContain("the connector's mapping");

      // Without a trust block, what the connector maps is what would be issued.
      Result plain = explain(config, "plain", "deployer", "--token", token, "--verify");
      assertThat(plain.status()).as(plain.out() + plain.err()).isZero();
      assertThat(plain.out())
          .contains("username (the connector's mapping): \"subvalue\"")
          .contains("lifetime: 86400s (expiry.idTokens)");

      Path forged =
          file("forged.jwt", good.signedWith(UpstreamToken.Signing.UNPUBLISHED_RSA).build());
      Result refused = explainToken(config, forged, "--verify");
      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.out()).contains("signature: verification FAILED");
      // Without --verify the forged token's claims would pass: the command says it did not look.
      Result unverified = explainToken(config, forged);
      assertThat(unverified.status()).isZero();
      assertThat(unverified.out()).contains("signature: NOT verified");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unknown-connector",
        "missing-client",
        "both-inputs",
        "bad-json",
        "not-a-jwt",
        "broken-config",
        "verify-claims"
      })
  void usageAndConfigurationErrorsExitWith2(String mistake) throws Exception {
    Path config = file("config.yaml", config("https://token.actions.githubusercontent.com"));
    Path claims = file("claims.json", JSON.writeValueAsString(main()));
    String c = config.toString();
    String[] args =
        switch (mistake) {
          case "unknown-connector" ->
              new String[] {"--connector", "nope", "--client", "x", "--claims", claims.toString()};
          case "missing-client" ->
              new String[] {"--connector", "github-actions", "--claims", claims.toString()};
          case "both-inputs" ->
              new String[] {
                "--connector",
                "github-actions",
                "--client",
                "x",
                "--claims",
                claims.toString(),
                "--token",
                claims.toString()
              };
          case "bad-json" ->
              new String[] {
                "--connector",
                "github-actions",
                "--client",
                "x",
                "--claims",
                file("bad.json", "{not json").toString()
              };
          case "not-a-jwt" ->
              new String[] {
                "--connector",
                "github-actions",
                "--client",
                "x",
                "--token",
                file("bad.jwt", "not-a-jwt").toString()
              };
          case "broken-config" -> {
            c =
                file(
                        "broken.yaml",
                        config("https://token.actions.githubusercontent.com")
                            .replace("claims.ref == \"refs/heads/main\"", "claims.ref =="))
                    .toString();
            yield new String[] {
              "--connector", "github-actions", "--client", "x", "--claims", claims.toString()
            };
          }
          case "verify-claims" ->
              new String[] {
                "--connector",
                "github-actions",
                "--client",
                "x",
                "--claims",
                claims.toString(),
                "--verify"
              };
          default -> throw new IllegalArgumentException(mistake);
        };
    List<String> all = new ArrayList<>(List.of("policy", "explain", c));
    all.addAll(List.of(args));
    Result result = run(all.toArray(String[]::new));
    assertThat(result.status()).as(result.out() + result.err()).isEqualTo(2);
    assertThat(result.err()).isNotBlank();
  }

  @Test
  void whatTheTokenEndpointWouldRefuseBeforeTheRulesIsSaid() throws Exception {
    long now = Instant.now().getEpochSecond();
    for (Map.Entry<Object, String> exp :
        Map.<Object, String>of(
                now - 10,
                "the token expired at",
                "soon",
                "exp is not a number",
                1e300,
                "exp is out of range")
            .entrySet()) {
      Result result = explain(with("exp", exp.getKey()), "deployer");
      assertThat(result.status()).as(result.out() + result.err()).isEqualTo(1);
      assertThat(result.out())
          .contains("refused before the rules: " + "")
          .contains(exp.getValue())
          .contains("result: REFUSED (as /token would");
    }
    Result otherIssuer = explain(with("iss", "https://evil.example"), "deployer");
    assertThat(otherIssuer.status()).isEqualTo(1);
    assertThat(otherIssuer.out()).contains("the token's iss https://evil.example is not");

    Result unknownClient = explain(main(), "nosuchclient");
    assertThat(unknownClient.out())
        .contains("warning: client nosuchclient is not a static client of");
  }

  @Test
  void aClientThatMayNotUseTheConnectorIsRefused() throws Exception {
    Path config =
        file(
            "config.yaml",
            config("https://token.actions.githubusercontent.com")
                .replace(
                    "- {id: deployer, name: Deployer, secret: s}",
                    "- {id: deployer, name: Deployer, secret: s, allowedConnectors: [elsewhere]}"));
    Path claims = file("claims.json", JSON.writeValueAsString(main()));
    Result result = explain(config, "github-actions", "deployer", "--claims", claims, "--json");
    assertThat(result.status()).isEqualTo(1);
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("allowed").asBoolean()).isFalse();
    assertThat(json.path("refused_before_rules").get(0).asText())
        .contains("client deployer may not use connector github-actions");
  }
}
