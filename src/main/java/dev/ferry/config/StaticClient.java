package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.storage.Client;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code staticClients} (Dex: {@code storage.Client} as read from the file). After
 * loading, {@code id} and {@code secret} hold the values of {@code idEnv} and {@code secretEnv}
 * when those were used, as Dex resolves them at start-up.
 *
 * @param refreshTokenLifetime "", "standalone" or "session" (Dex HEAD)
 * @param federatedCredentials Ferry's extension (issue 9): upstream JWTs that authenticate this
 *     client instead of a secret; compiled into {@link dev.ferry.policy.FederatedCredentials},
 *     never into the storage model
 */
public record StaticClient(
    String id,
    String idEnv,
    String secret,
    String secretEnv,
    String name,
    @JsonProperty("logoURL") String logoUrl,
    @JsonProperty("redirectURIs") List<String> redirectUris,
    List<String> trustedPeers,
    @JsonProperty("public") boolean publicClient,
    List<String> allowedConnectors,
    @JsonProperty("postLogoutRedirectURIs") List<String> postLogoutRedirectUris,
    @JsonProperty("backchannelLogoutURI") String backchannelLogoutUri,
    String refreshTokenLifetime,
    List<String> mfaChain,
    List<String> ssoSharedWith,
    ClientCredentialsClaims clientCredentialsClaims,
    List<FederatedCredentialEntry> federatedCredentials) {

  /** Values Dex accepts for {@code refreshTokenLifetime}. */
  public static final List<String> REFRESH_TOKEN_LIFETIMES = List.of("", "standalone", "session");

  public StaticClient(
      @Nullable String id,
      @Nullable String idEnv,
      @Nullable String secret,
      @Nullable String secretEnv,
      @Nullable String name,
      @JsonProperty("logoURL") @Nullable String logoUrl,
      @JsonProperty("redirectURIs") @Nullable List<String> redirectUris,
      @Nullable List<String> trustedPeers,
      @JsonProperty("public") boolean publicClient,
      @Nullable List<String> allowedConnectors,
      @JsonProperty("postLogoutRedirectURIs") @Nullable List<String> postLogoutRedirectUris,
      @JsonProperty("backchannelLogoutURI") @Nullable String backchannelLogoutUri,
      @Nullable String refreshTokenLifetime,
      @Nullable List<String> mfaChain,
      @Nullable List<String> ssoSharedWith,
      @Nullable ClientCredentialsClaims clientCredentialsClaims,
      @Nullable List<FederatedCredentialEntry> federatedCredentials) {
    this.id = Defaults.str(id);
    this.idEnv = Defaults.str(idEnv);
    this.secret = Defaults.str(secret);
    this.secretEnv = Defaults.str(secretEnv);
    this.name = Defaults.str(name);
    this.logoUrl = Defaults.str(logoUrl);
    this.redirectUris = Defaults.strings(redirectUris);
    this.trustedPeers = Defaults.strings(trustedPeers);
    this.publicClient = publicClient;
    this.allowedConnectors = Defaults.strings(allowedConnectors);
    this.postLogoutRedirectUris = Defaults.strings(postLogoutRedirectUris);
    this.backchannelLogoutUri = Defaults.str(backchannelLogoutUri);
    this.refreshTokenLifetime = Defaults.str(refreshTokenLifetime);
    this.mfaChain = Defaults.strings(mfaChain);
    this.ssoSharedWith = Defaults.strings(ssoSharedWith);
    this.clientCredentialsClaims =
        Defaults.orElse(clientCredentialsClaims, ClientCredentialsClaims.NONE);
    this.federatedCredentials =
        Defaults.items(federatedCredentials, FederatedCredentialEntry::empty);
  }

  static StaticClient empty() {
    return new StaticClient(
        null, null, null, null, null, null, null, null, false, null, null, null, null, null, null,
        null, null);
  }

  /** This client with {@code id} and {@code secret} replaced, as after reading the env vars. */
  StaticClient withIdAndSecret(String newId, String newSecret) {
    return new StaticClient(
        newId,
        idEnv,
        newSecret,
        secretEnv,
        name,
        logoUrl,
        redirectUris,
        trustedPeers,
        publicClient,
        allowedConnectors,
        postLogoutRedirectUris,
        backchannelLogoutUri,
        refreshTokenLifetime,
        mfaChain,
        ssoSharedWith,
        clientCredentialsClaims,
        federatedCredentials);
  }

  /** The storage model of this client, as Dex serves static clients from storage. */
  public Client toStorageClient() {
    return new Client(
        id,
        secret,
        redirectUris,
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
        clientCredentialsClaims.groups());
  }

  /** Leaves out the secret. */
  @Override
  public String toString() {
    return "StaticClient[id=" + id + ", name=" + name + ", public=" + publicClient + "]";
  }
}
