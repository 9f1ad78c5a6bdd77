package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.json.GoFieldLookup;
import dev.ferry.policy.CompiledTrust;
import dev.ferry.policy.ConnectorTrust;
import dev.ferry.policy.SharedIssuers;
import dev.ferry.policy.TrustConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles every connector's {@code trust} block at load time, so that a broken expression is a
 * config problem reported with all the others (by {@code config check} and {@code serve}), never a
 * failure at the first request (issue 8), and collects the warnings: the compiler's, and one for
 * each connector without a block whose issuer many tenants share.
 */
final class TrustBlocks {
  /**
   * Connector types whose {@code config.issuer} is the issuer of the upstream tokens they verify.
   * Of Dex's types only {@code oidc} has one; the others (such as {@code gitlab}'s {@code baseURL})
   * name an API, not a token issuer.
   */
  private static final Set<String> ISSUER_TYPES = Set.of("oidc");

  private final TrustChecks checks;
  private final Problems problems;

  TrustBlocks(TrustChecks checks, Problems problems) {
    this.checks = checks;
    this.problems = problems;
  }

  /**
   * Compiles each block; problems go to the load's problems. {@code clients} are the resolved
   * static clients.
   */
  Checked check(List<ConnectorConfig> connectors, List<StaticClient> clients) {
    List<String> warnings = new ArrayList<>();
    Map<String, ConnectorTrust> trusts = new LinkedHashMap<>();
    for (int i = 0; i < connectors.size(); i++) {
      ConnectorConfig connector = connectors.get(i);
      String key = KeyPath.index("connectors", i);
      Optional<String> issuer = upstreamIssuer(connector);
      Optional<TrustConfig> trust = connector.trust();
      if (trust.isPresent()) {
        CompiledTrust compiled = checks.compile(key + ".trust", issuer, trust.get());
        addProblems(key + ".trust", compiled.problems());
        warnings.addAll(compiled.warnings());
        compiled.trust().ifPresent(compiledTrust -> trusts.put(connector.id(), compiledTrust));
      } else {
        checks
            .unprotectedIssuerWarning(key, connector.id(), issuer, clientsOf(connector, clients))
            .ifPresent(warnings::add);
      }
    }
    return new Checked(warnings, trusts);
  }

  /**
   * What compiling the blocks gave.
   *
   * @param warnings in connector order
   * @param trusts the compiled blocks by connector id
   */
  record Checked(List<String> warnings, Map<String, ConnectorTrust> trusts) {
    Checked {
      warnings = List.copyOf(warnings);
      trusts = Collections.unmodifiableMap(new LinkedHashMap<>(trusts));
    }
  }

  /**
   * The issuer of the tokens an {@code oidc} connector verifies (already env-expanded), if any: its
   * {@code issuerAlias} when set (Dex: tokens then carry the alias), else its {@code issuer};
   * whichever of the two is a shared issuer when one is, so that neither key can hide one from
   * tenant pinning.
   */
  static Optional<String> upstreamIssuer(ConnectorConfig connector) {
    if (!ISSUER_TYPES.contains(connector.type())) {
      return Optional.empty();
    }
    Optional<String> alias = text(connector, "issuerAlias");
    Optional<String> issuer = text(connector, "issuer");
    for (Optional<String> candidate : List.of(alias, issuer)) {
      if (SharedIssuers.find(candidate).isPresent()) {
        return candidate;
      }
    }
    return alias.or(() -> issuer);
  }

  private static Optional<String> text(ConnectorConfig connector, String key) {
    return GoFieldLookup.value(connector.config(), key)
        .filter(JsonNode::isTextual)
        .map(JsonNode::asText)
        .filter(value -> !value.isEmpty());
  }

  /** Dex: a client may use a connector when its {@code allowedConnectors} is empty or names it. */
  private static List<String> clientsOf(ConnectorConfig connector, List<StaticClient> clients) {
    return clients.stream()
        .filter(
            c -> c.allowedConnectors().isEmpty() || c.allowedConnectors().contains(connector.id()))
        .map(StaticClient::id)
        .toList();
  }

  /**
   * Records the compiler's problems ({@code key: message}). One at or under a key of the block that
   * binding already reported is left out: the block was compiled with that value's zero value, so
   * the compiler's complaint about it (an empty condition, a rule without a name) would only repeat
   * the first.
   */
  private void addProblems(String blockKey, List<String> compiled) {
    List<Problem> fresh = new ArrayList<>();
    for (String text : compiled) {
      Problem problem = split(blockKey, text);
      if (!problems.hasAtOrAbove(problem.key(), blockKey)) {
        fresh.add(problem);
      }
    }
    fresh.forEach(p -> problems.add(p.key(), p.message()));
  }

  private static Problem split(String blockKey, String text) {
    int colon = text.indexOf(": ");
    if (colon > 0 && text.startsWith(blockKey)) {
      return new Problem(text.substring(0, colon), text.substring(colon + 2));
    }
    return new Problem(blockKey, text);
  }
}
