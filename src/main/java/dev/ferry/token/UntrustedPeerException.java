package dev.ferry.token;

/**
 * A cross-client scope ({@code audience:server:client_id:<peer>}) names a peer that does not list
 * the requesting client in its {@code trustedPeers}, or no client at all. Dex fails token signing
 * with it, and the token endpoint answers {@code 500 server_error} (Dex: server/oauth2.go
 * newIDToken, "peer (%s) does not trust client").
 */
public final class UntrustedPeerException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String peerId;
  private final String clientId;

  public UntrustedPeerException(String peerId, String clientId) {
    super("peer (" + peerId + ") does not trust client (" + clientId + ")");
    this.peerId = peerId;
    this.clientId = clientId;
  }

  /** The client named in the scope. */
  public String peerId() {
    return peerId;
  }

  /** The client that asked for the token. */
  public String clientId() {
    return clientId;
  }
}
