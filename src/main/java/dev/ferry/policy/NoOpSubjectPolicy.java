package dev.ferry.policy;

import java.util.List;
import java.util.Optional;

/**
 * Allows every verified subject: Dex's behaviour, which has no policy step. An RFC 7523 assertion
 * must still be addressed to Ferry (RFC 7523 §3), with or without trust blocks.
 */
public final class NoOpSubjectPolicy implements SubjectPolicy {

  @Override
  public PolicyDecision evaluate(PolicyRequest request) {
    return checkAudience(request);
  }

  /** Allows, unless the request is an assertion that is not addressed to Ferry. */
  static PolicyDecision checkAudience(PolicyRequest request) {
    Optional<String> misaddressed =
        AssertionAudience.refusal(request.subject().token(), request.ownAudiences(), List.of());
    return misaddressed.map(PolicyDecision::deny).orElseGet(PolicyDecision::allow);
  }
}
