package dev.ferry.config;

import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code staticClients[].federatedCredentials} as written (Ferry's extension, issue
 * 9): an upstream JWT that {@code connector} verifies, whose {@code sub} is {@code subject} and on
 * which {@code condition} holds, authenticates the client (RFC 7523 §2.2). Checked and compiled by
 * {@link FederatedCredentialChecks}.
 */
public record FederatedCredentialEntry(String connector, String subject, String condition) {

  public FederatedCredentialEntry(
      @Nullable String connector, @Nullable String subject, @Nullable String condition) {
    this.connector = Defaults.str(connector);
    this.subject = Defaults.str(subject);
    this.condition = Defaults.str(condition);
  }

  static FederatedCredentialEntry empty() {
    return new FederatedCredentialEntry(null, null, null);
  }
}
