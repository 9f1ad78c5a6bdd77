package dev.ferry.policy;

/** How a trust rule takes part in the decision ({@code mode} of a rule). */
public enum RuleMode {
  /** The first matching enforce rule decides; with enforce rules, no match refuses. */
  ENFORCE,
  /** Evaluated and recorded in the audit record, never deciding: for rolling out a rule. */
  AUDIT;

  /** The key's value in the config file. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
