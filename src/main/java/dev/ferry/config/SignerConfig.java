package dev.ferry.config;

/**
 * How tokens are signed: the resolved {@code signer} section (Dex HEAD: {@code signer{type,
 * config}}). Without a {@code signer} section Dex uses a local signer that rotates every {@code
 * expiry.signingKeys} (default 6h) with RS256.
 */
public sealed interface SignerConfig permits LocalSignerConfig, VaultSignerConfig {
  /** {@code local} or {@code vault}. */
  String type();
}
