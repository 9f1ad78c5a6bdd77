package dev.ferry.policy;

import dev.ferry.connector.SubjectToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 7523 §3: an assertion's {@code aud} must identify the authorization server, compared as plain
 * strings. Ferry accepts its issuer URL, its token endpoint URL, or one of the connector's {@code
 * trust.audiences} (for an upstream that cannot be told Ferry's URL, such as a Kubernetes cluster
 * whose tokens an operator requests for audience {@code ferry}).
 */
final class AssertionAudience {
  private AssertionAudience() {}

  /**
   * @param own Ferry's identifiers; empty when the token is not an assertion (nothing is checked)
   * @param trusted the connector's {@code trust.audiences}, possibly empty
   * @return why the token is refused, empty when it is addressed to Ferry
   */
  static Optional<String> refusal(SubjectToken token, Set<String> own, List<String> trusted) {
    if (own.isEmpty()) {
      return Optional.empty();
    }
    List<String> accepted = new ArrayList<>(own.stream().sorted().toList());
    accepted.addAll(trusted);
    if (token.audience().stream().anyMatch(accepted::contains)) {
      return Optional.empty();
    }
    if (token.audience().isEmpty()) {
      return Optional.of("assertion has no aud; it must name one of " + accepted);
    }
    return Optional.of(
        "assertion aud " + token.audience() + " names none of the accepted audiences " + accepted);
  }
}
