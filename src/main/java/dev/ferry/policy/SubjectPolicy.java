package dev.ferry.policy;

/**
 * Decides whether a verified subject may have a token, after the connector verified the subject
 * token and before anything is signed (RFC 8693 §2.2.2 leaves this to the authorization server's
 * policy; Dex has no such step, so {@link NoOpSubjectPolicy} is Dex's behaviour).
 *
 * <p>Runs on the request thread; an implementation does no I/O (rules are compiled at load) and
 * must not throw: a rule that cannot be evaluated is a {@link PolicyDecision.Deny}.
 */
@FunctionalInterface
public interface SubjectPolicy {

  /**
   * The connector's token checks, then its trust rules: for a subject token (token exchange) or an
   * authorization grant assertion (JWT bearer).
   */
  PolicyDecision evaluate(PolicyRequest request);

  /**
   * The connector's token checks alone, for a client assertion (federated client authentication):
   * the audience ({@link PolicyRequest#ownAudiences}), {@code iat}, {@code maxTokenAge}, a {@code
   * jti} when single-use, and the single-use record to keep. The trust rules do not run: the
   * client's federated credential (its subject and condition) judges a client assertion. An allowed
   * decision carries no token shaping. By default only the audience is checked, as for a connector
   * without a {@code trust} block.
   */
  default PolicyDecision checkCredential(PolicyRequest request) {
    return NoOpSubjectPolicy.checkAudience(request);
  }
}
