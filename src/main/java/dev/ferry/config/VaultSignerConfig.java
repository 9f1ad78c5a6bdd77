package dev.ferry.config;

/**
 * A signer that asks HashiCorp Vault's (or OpenBao's) transit engine to sign (Dex:
 * server/signer/vault.go). {@code addr} and {@code token} fall back to the environment variables
 * {@code VAULT_ADDR} and {@code VAULT_TOKEN}.
 *
 * @param addr Vault's address, or "" for the client's default
 * @param token Vault token; a secret, left out of {@link #toString()}
 * @param keyName transit key to sign with
 */
public record VaultSignerConfig(String addr, String token, String keyName) implements SignerConfig {
  public static final String TYPE = "vault";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String toString() {
    return "VaultSignerConfig[addr=" + addr + ", keyName=" + keyName + "]";
  }
}
