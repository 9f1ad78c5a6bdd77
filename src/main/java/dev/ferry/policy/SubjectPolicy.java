package dev.ferry.policy;

/**
 * Decides whether a verified subject may have a token, after the connector verified the subject
 * token and before anything is signed (RFC 8693 §2.2.2 leaves this to the authorization server's
 * policy; Dex has no such step, so {@link NoOpSubjectPolicy} is Dex's behaviour).
 *
 * <p>Runs on the request thread; an implementation does no I/O (rules are compiled at load) and
 * must not throw: a rule that cannot be evaluated is a {@link PolicyDecision.Deny}.
 */
public interface SubjectPolicy {

  PolicyDecision evaluate(PolicyRequest request);
}
