package dev.ferry.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mfa} section (Dex HEAD, behind the {@code DEX_SESSIONS_ENABLED} flag).
 *
 * @param defaultMfaChain authenticator ids applied to clients without their own {@code mfaChain}
 */
public record MfaConfig(
    List<MfaAuthenticator> authenticators,
    @JsonProperty("defaultMFAChain") List<String> defaultMfaChain) {

  static final MfaConfig NONE = new MfaConfig(null, null);

  public MfaConfig(
      @Nullable List<MfaAuthenticator> authenticators,
      @JsonProperty("defaultMFAChain") @Nullable List<String> defaultMfaChain) {
    this.authenticators = Defaults.items(authenticators, MfaAuthenticator::empty);
    this.defaultMfaChain = Defaults.strings(defaultMfaChain);
  }

  /** Whether the file configures any MFA at all. */
  public boolean isConfigured() {
    return !authenticators.isEmpty() || !defaultMfaChain.isEmpty();
  }
}
