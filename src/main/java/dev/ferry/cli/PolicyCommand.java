package dev.ferry.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.Problem;
import dev.ferry.connector.Identity;
import dev.ferry.policy.ConnectorTrust;
import dev.ferry.policy.Explanation;
import dev.ferry.policy.ExplanationJson;
import dev.ferry.policy.ExplanationText;
import dev.ferry.policy.TrustInput;
import dev.ferry.server.ConnectorSetup;
import dev.ferry.server.LogSetup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry policy explain}: would this token be allowed through this connector, and why not.
 */
@Command(
    name = "policy",
    description = "Work with trust policies.",
    subcommands = {PolicyCommand.Explain.class})
final class PolicyCommand implements Runnable {
  @Spec @Nullable CommandSpec spec;

  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /** Exit statuses: allowed, refused, and a usage or configuration error (picocli's own 2). */
  static final int ALLOWED = 0;

  static final int REFUSED = 1;
  static final int USAGE = 2;

  @Command(
      name = "explain",
      description =
          "Evaluate a connector's trust block on a token's claims, offline, and say for each rule"
              + " why it matched or not. Exit 0 if allowed, 1 if refused, 2 on a usage or"
              + " configuration error.")
  static final class Explain implements Callable<Integer> {
    @Spec @Nullable CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Dex/Ferry YAML config file")
    @Nullable Path file;

    @Option(names = "--connector", required = true, paramLabel = "ID", description = "connector id")
    @Nullable String connectorId;

    @Option(
        names = "--client",
        required = true,
        paramLabel = "ID",
        description = "the requesting client's id")
    @Nullable String clientId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    @Nullable Input input;

    static final class Input {
      @Option(
          names = "--token",
          paramLabel = "FILE",
          description = "the subject token (a JWT) in FILE, or - for standard input")
      @Nullable String token;

      @Option(
          names = "--claims",
          paramLabel = "FILE",
          description = "the token's claims as a JSON object in FILE, or - for standard input")
      @Nullable String claims;
    }

    @Option(
        names = "--scope",
        paramLabel = "SCOPES",
        description = "the requested scopes, space-separated (default: ${DEFAULT-VALUE})",
        defaultValue = "openid")
    String scope = "openid";

    @Option(
        names = "--verify",
        description =
            "verify the token's signature and claims as /token does (fetches the upstream's"
                + " keys and, if configured, userinfo)")
    boolean verify;

    @Option(
        names = "--token-type",
        paramLabel = "TYPE",
        description = "with --verify: id_token (default) or access_token")
    String tokenType = "id_token";

    @Option(names = "--json", description = "print the explanation as JSON")
    boolean json;

    /** Standard input, replaceable by tests. */
    InputStream stdin = System.in;

    @Override
    public Integer call() {
      PrintWriter out =
          spec == null
              ? new PrintWriter(System.out, true, StandardCharsets.UTF_8)
              : spec.commandLine().getOut();
      PrintWriter err =
          spec == null
              ? new PrintWriter(System.err, true, StandardCharsets.UTF_8)
              : spec.commandLine().getErr();
      // Connectors log at INFO and DEBUG; stdout is the explanation (JSON with --json), so only
      // warnings, on stderr.
      LogSetup.configure(org.slf4j.event.Level.WARN, "text", List.of());
      try {
        return explain(out);
      } catch (ExplainSubjects.VerificationFailed e) {
        if (json) {
          ObjectNode node = JSON.createObjectNode();
          node.put("signature_verified", false);
          node.put("verification_error", e.getMessage());
          node.put("allowed", false);
          out.println(node.toPrettyString());
        } else {
          out.println("signature: verification FAILED: " + e.getMessage());
          out.println("result: REFUSED (as /token would: 401 access_denied)");
        }
        return REFUSED;
      } catch (UsageException e) {
        err.println("ferry policy explain: " + e.getMessage());
        err.flush();
        return USAGE;
      } finally {
        out.flush();
      }
    }

    private int explain(PrintWriter out) throws UsageException {
      Path path = Objects.requireNonNull(file);
      String connector = Objects.requireNonNull(connectorId);
      String client = Objects.requireNonNull(clientId);
      FerryConfig config = load(path);
      int index = indexOf(config, connector, path);
      ConnectorConfig connectorConfig = config.connectors().get(index);
      List<String> warnings = new ArrayList<>(warningsOf(config, index));
      Instant now = Clock.systemUTC().instant();
      Subject subject = subject(connectorConfig);
      Optional<ConnectorTrust> trust = Optional.ofNullable(config.trusts().get(connector));
      Duration idTokens = config.expiry().idTokens();
      List<String> scopes = List.of(scope.trim().split("\\s+"));
      List<String> refusals =
          OfflineChecks.refusals(
              config, connectorConfig, client, subject.claims(), subject.verified(), now);
      if (!OfflineChecks.isStaticClient(config, client)) {
        warnings.add(
            "client "
                + client
                + " is not a static client of "
                + path
                + " (it may exist in storage): evaluated as named");
      }

      if (trust.isEmpty()) {
        if (json) {
          ObjectNode node = JSON.createObjectNode();
          header(node, connector, client, subject.verified());
          node.put("trust", false);
          node.put("allowed", refusals.isEmpty());
          refusals.forEach(node.withArray("refused_before_rules")::add);
          if (refusals.isEmpty()) {
            node.put("lifetime_seconds", idTokens.toSeconds());
          }
          warnings.forEach(node.withArray("warnings")::add);
          out.println(node.toPrettyString());
        } else {
          header(out, connector, connectorConfig, client, subject.verified());
          out.println("trust: none: every token the connector verifies is allowed, as in Dex");
          if (!refusals.isEmpty()) {
            refusals.forEach(r -> out.println("refused before the rules: " + r));
            out.println("result: REFUSED (as /token would)");
            warnings.forEach(w -> out.println("warning: " + w));
            return REFUSED;
          }
          out.println("result: ALLOWED");
          subject
              .identity()
              .ifPresent(identity -> {
                out.println(
                    "  username (the connector's mapping): \"" + identity.username() + "\"");
                out.println("  groups (the connector's mapping): " + identity.groups());
              });
          out.println("  lifetime: " + idTokens.toSeconds() + "s (expiry.idTokens)");
          warnings.forEach(w -> out.println("warning: " + w));
        }
        return refusals.isEmpty() ? ALLOWED : REFUSED;
      }
      Explanation explanation =
          trust
              .get()
              .explain(new TrustInput(client, scopes, subject.claims(), subject.token()), now);
      Instant expiry = now.plus(idTokens);
      Optional<Instant> cap = explanation.shaping().notAfter();
      if (cap.isPresent() && cap.get().isBefore(expiry)) {
        expiry = cap.get();
      }
      long lifetime = Math.max(0, Duration.between(now, expiry).toSeconds());
      boolean allowed = explanation.allowed() && refusals.isEmpty();
      if (json) {
        ObjectNode node = JSON.createObjectNode();
        header(node, connector, client, subject.verified());
        node.put("trust", true);
        node.setAll(ExplanationJson.toJson(explanation));
        node.put("allowed", allowed);
        refusals.forEach(node.withArray("refused_before_rules")::add);
        if (allowed) {
          node.put("lifetime_seconds", lifetime);
        }
        warnings.forEach(node.withArray("warnings")::add);
        out.println(node.toPrettyString());
      } else {
        header(out, connector, connectorConfig, client, subject.verified());
        refusals.forEach(r -> out.println("refused before the rules: " + r));
        out.print(ExplanationText.render(explanation));
        if (!refusals.isEmpty()) {
          out.println("result: REFUSED (as /token would, whatever the rules say)");
        } else if (explanation.allowed()) {
          fromConnector(out, explanation, subject);
          out.println(
              "  lifetime: "
                  + lifetime
                  + "s (the earliest of expiry.idTokens, the rule's expiry and the token's exp)");
        }
        warnings.forEach(w -> out.println("warning: " + w));
      }
      return allowed ? ALLOWED : REFUSED;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * With {@code --verify} the connector mapped an identity: what the token carries where the
     * deciding rule maps nothing (no rule, or a rule without {@code username} or {@code groups}).
     */
    private static void fromConnector(PrintWriter out, Explanation explanation, Subject subject) {
      subject
          .identity()
          .ifPresent(identity -> {
            if (explanation.shaping().username().isEmpty()) {
              out.println("  username (the connector's mapping): \"" + identity.username() + "\"");
            }
            if (explanation.shaping().groups().isEmpty()) {
              out.println("  groups (the connector's mapping): " + identity.groups());
            }
          });
    }

    private static void header(ObjectNode node, String connector, String client, boolean verified) {
      node.put("connector", connector);
      node.put("client", client);
      node.put("signature_verified", verified);
    }

    private static void header(
        PrintWriter out,
        String connector,
        ConnectorConfig config,
        String client,
        boolean verified) {
      out.println(
          "connector: "
              + connector
              + config.upstreamIssuer().map(issuer -> " (issuer " + issuer + ")").orElse(""));
      out.println("client: " + client);
      out.println(
          verified
              ? "signature: verified, as /token verifies it"
              : "signature: NOT verified (pass --verify to verify it as /token does)");
    }

    private FerryConfig load(Path path) throws UsageException {
      try {
        return new ConfigLoader(System.getenv(), ConnectorSetup.knownTypes()).load(path);
      } catch (ConfigException e) {
        List<String> problems = new ArrayList<>();
        for (Problem problem : e.problems()) {
          problems.add(path + ": " + problem);
        }
        throw new UsageException("the configuration has problems:\n" + String.join("\n", problems));
      }
    }

    private static int indexOf(FerryConfig config, String connector, Path path)
        throws UsageException {
      List<ConnectorConfig> connectors = config.connectors();
      for (int i = 0; i < connectors.size(); i++) {
        if (connectors.get(i).id().equals(connector)) {
          return i;
        }
      }
      throw new UsageException(
          "no connector with id \""
              + connector
              + "\" in "
              + path
              + " (connectors: "
              + String.join(", ", connectors.stream().map(ConnectorConfig::id).toList())
              + ")");
    }

    /** The configuration's warnings about this connector ({@code connectors[i]...}). */
    private static List<String> warningsOf(FerryConfig config, int index) {
      String key = "connectors[" + index + "]";
      return config.warnings().stream()
          .filter(
              w -> w.startsWith(key + ".") || w.startsWith(key + ":") || w.startsWith(key + " "))
          .toList();
    }

    private Subject subject(ConnectorConfig connector) throws UsageException {
      Input given = Objects.requireNonNull(input);
      if (given.claims != null) {
        if (verify) {
          throw new UsageException("--verify needs --token: claims alone carry no signature");
        }
        return ExplainSubjects.fromClaims(read(given.claims, "--claims"));
      }
      String token = read(Objects.requireNonNull(given.token), "--token").trim();
      if (!verify) {
        return ExplainSubjects.unverified(token);
      }
      return ExplainSubjects.verified(connector, tokenType, token);
    }

    private String read(String source, String option) throws UsageException {
      try {
        if (source.equals("-")) {
          return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        }
        return Files.readString(Path.of(source), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new UsageException(option + ": cannot read " + source + ": " + e.getMessage());
      }
    }
  }

  /** A usage or configuration error: exit 2 with one message. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * What the rules are evaluated on.
   *
   * @param identity what the connector mapped, present only when it verified the token
   */
  record Subject(
      java.util.Map<String, Object> claims,
      dev.ferry.connector.SubjectToken token,
      Optional<Identity> identity) {

    boolean verified() {
      return identity.isPresent();
    }
  }
}
