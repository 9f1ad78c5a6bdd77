package dev.ferry.storage;

import java.util.List;

/**
 * An OAuth client (Dex: storage.Client, HEAD fields included). A public client has an empty secret
 * or {@code publicClient} set; see Dex's server/grants/grants.go Handler.authenticateClient for
 * what "public" changes.
 */
public record Client(
    String id,
    String secret,
    List<String> redirectUris,
    List<String> trustedPeers,
    boolean publicClient,
    String name,
    String logoUrl,
    List<String> allowedConnectors,
    List<String> postLogoutRedirectUris,
    String backchannelLogoutUri,
    String refreshTokenLifetime,
    List<String> mfaChain,
    List<String> ssoSharedWith,
    List<String> clientCredentialsGroups) {
  /** How every backend stores this record. */
  public static final Entity<String, Client> ENTITY = Entity.byId("client", Client::id);

  public Client {
    redirectUris = List.copyOf(redirectUris);
    trustedPeers = List.copyOf(trustedPeers);
    allowedConnectors = List.copyOf(allowedConnectors);
    postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
    mfaChain = List.copyOf(mfaChain);
    ssoSharedWith = List.copyOf(ssoSharedWith);
    clientCredentialsGroups = List.copyOf(clientCredentialsGroups);
  }

  /** A client with only an id, secret and name; every other field empty. */
  public static Client of(String id, String secret, String name) {
    return new Client(
        id, secret, List.of(), List.of(), false, name, "", List.of(), List.of(), "", "", List.of(),
        List.of(), List.of());
  }

  public Client withPublic(boolean value) {
    return new Client(
        id,
        secret,
        redirectUris,
        trustedPeers,
        value,
        name,
        logoUrl,
        allowedConnectors,
        postLogoutRedirectUris,
        backchannelLogoutUri,
        refreshTokenLifetime,
        mfaChain,
        ssoSharedWith,
        clientCredentialsGroups);
  }

  public Client withTrustedPeers(List<String> value) {
    return new Client(
        id,
        secret,
        redirectUris,
        value,
        publicClient,
        name,
        logoUrl,
        allowedConnectors,
        postLogoutRedirectUris,
        backchannelLogoutUri,
        refreshTokenLifetime,
        mfaChain,
        ssoSharedWith,
        clientCredentialsGroups);
  }

  public Client withAllowedConnectors(List<String> value) {
    return new Client(
        id,
        secret,
        redirectUris,
        trustedPeers,
        publicClient,
        name,
        logoUrl,
        value,
        postLogoutRedirectUris,
        backchannelLogoutUri,
        refreshTokenLifetime,
        mfaChain,
        ssoSharedWith,
        clientCredentialsGroups);
  }

  public Client withRedirectUris(List<String> value) {
    return new Client(
        id,
        secret,
        value,
        trustedPeers,
        publicClient,
        name,
        logoUrl,
        allowedConnectors,
        postLogoutRedirectUris,
        backchannelLogoutUri,
        refreshTokenLifetime,
        mfaChain,
        ssoSharedWith,
        clientCredentialsGroups);
  }
}
