package dev.ferry.policy;

import java.util.Locale;

/** What one rule made of one exchange, as the audit record and {@code explain} name it. */
public enum RuleResult {
  /** The rule serves the client and its condition was true (and its mappings evaluated). */
  MATCH,
  /** The rule serves the client and its condition was false. */
  NO_MATCH,
  /** The rule's {@code clients} do not include the requesting client; nothing was evaluated. */
  NOT_FOR_CLIENT,
  /** Evaluating the condition or a mapping failed (a missing claim, a wrong type, the cost). */
  ERROR;

  /** {@code match}, {@code no_match}, {@code not_for_client} or {@code error}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
