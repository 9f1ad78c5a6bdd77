package dev.ferry.policy;

import java.util.Locale;

/** How a token exchange ended, as the audit record and the metrics name it. */
public enum AuditOutcome {
  /** A token was issued. */
  ISSUED,
  /** The subject token was refused: verification, audience, age, replay. */
  DENIED_TOKEN,
  /** The connector's trust rules refused the verified subject. */
  DENIED_POLICY,
  /** Anything else: a bad request, client authentication, an outage. */
  ERROR;

  /** {@code issued}, {@code denied_token}, {@code denied_policy} or {@code error}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
