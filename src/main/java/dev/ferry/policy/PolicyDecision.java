package dev.ferry.policy;

import dev.ferry.oauth2.OAuthError;
import java.util.Optional;

/**
 * A policy's answer. Sealed so that the grant handles every kind; both carry the {@link
 * TrustReport} for the audit record.
 */
public sealed interface PolicyDecision {

  TrustReport report();

  /**
   * Issue the token, shaped by the deciding rule.
   *
   * @param singleUse present when the connector accepts each token once: the grant records it after
   *     its own remaining checks, just before signing
   */
  record Allow(TokenShaping shaping, Optional<SingleUse> singleUse, TrustReport report)
      implements PolicyDecision {}

  /**
   * Refuse with an OAuth error.
   *
   * @param error what the client is answered, with the catalogue's status
   * @param description sent to the client; empty sends none (as Dex's bare {@code access_denied})
   * @param reason for the log and audit only, never sent: which check or rule refused and why
   * @param refusal whether the token itself or the trust rules refused it
   */
  record Deny(
      OAuthError error,
      Optional<String> description,
      String reason,
      Refusal refusal,
      TrustReport report)
      implements PolicyDecision {}

  /** Which step refused: the audit record's {@code denied_token} or {@code denied_policy}. */
  enum Refusal {
    /** The token failed a check beyond its signature (audience, age, replay, no jti). */
    TOKEN,
    /** No enforce rule admitted the verified subject. */
    POLICY
  }

  /** Dex's behaviour: allow, unchanged. */
  static PolicyDecision allow() {
    return new Allow(TokenShaping.none(), Optional.empty(), TrustReport.none());
  }

  /**
   * {@code 401 access_denied} without a description, the answer a failed verification gets: the
   * token itself is refused.
   */
  static PolicyDecision deny(String reason) {
    return new Deny(
        OAuthError.ACCESS_DENIED, Optional.empty(), reason, Refusal.TOKEN, TrustReport.none());
  }
}
