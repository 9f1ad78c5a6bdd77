package dev.ferry.policy;

import dev.ferry.oauth2.OAuthError;
import java.util.Optional;

/**
 * A policy's answer. Sealed so that the grant handles every kind: today allow or deny; a later
 * variant that adjusts the issued token (username, groups, extra claims, lifetime) is added here
 * and the compiler then shows each place that must apply it.
 */
public sealed interface PolicyDecision {

  /** Issue the token as the connector mapped the identity. */
  record Allow() implements PolicyDecision {}

  /**
   * Refuse with an OAuth error.
   *
   * @param error what the client is answered, with the catalogue's status
   * @param description sent to the client; empty sends none (as Dex's bare {@code access_denied})
   * @param reason for the log only, never sent: which rule refused and why
   */
  record Deny(OAuthError error, Optional<String> description, String reason)
      implements PolicyDecision {}

  static PolicyDecision allow() {
    return new Allow();
  }

  /** {@code access_denied} without a description, the answer a failed verification gets. */
  static PolicyDecision deny(String reason) {
    return new Deny(OAuthError.ACCESS_DENIED, Optional.empty(), reason);
  }
}
