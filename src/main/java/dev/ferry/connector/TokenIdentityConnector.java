package dev.ferry.connector;

/**
 * A connector that can verify a token its upstream issued and turn it into an {@link Identity}: the
 * capability behind RFC 8693 token exchange (Dex: connector.TokenIdentityConnector). Unlike Dex's,
 * it also returns what it verified (the token's metadata and the upstream claims) so that a policy
 * can judge the subject before a token is issued.
 *
 * <p>Threads: an implementation may block on its upstream (the caller's thread is not a CPU worker)
 * but bounds that through an {@link dev.ferry.connector.upstream.UpstreamBulkhead}, and hands pure
 * computation (signature checks) to the {@link dev.ferry.cpu.CpuLane} it was opened with.
 */
public interface TokenIdentityConnector extends Connector {

  /**
   * Verifies {@code subjectToken} of the given RFC 8693 {@code subjectTokenType} and maps its
   * claims.
   *
   * @throws IdentityException when the token is not valid or its claims cannot be mapped; the
   *     message is logged, never sent to the client
   * @throws dev.ferry.cpu.CpuBusyException when the CPU lane could not take the verification
   */
  VerifiedSubject tokenIdentity(String subjectTokenType, String subjectToken)
      throws IdentityException;

  /**
   * The {@code iss} that every JWT this connector accepts carries, when it is known from the
   * configuration alone (no network): what routes an RFC 7523 assertion sent without {@code
   * connector_id} to its connector. Empty for a connector that verifies opaque tokens only, or
   * whose issuer only discovery reveals.
   */
  default java.util.Optional<String> tokenIssuer() {
    return java.util.Optional.empty();
  }
}
