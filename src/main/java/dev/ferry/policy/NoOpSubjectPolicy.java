package dev.ferry.policy;

/** Allows every verified subject: Dex's behaviour, which has no policy step. */
public final class NoOpSubjectPolicy implements SubjectPolicy {

  @Override
  public PolicyDecision evaluate(PolicyRequest request) {
    return PolicyDecision.allow();
  }
}
