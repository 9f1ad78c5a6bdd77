package dev.ferry.config;

import java.time.Duration;
import java.util.List;

/**
 * A signer whose keys live in storage and rotate on a schedule (Dex: server/signer/local.go).
 *
 * @param keysRotationPeriod how often a new signing key is made
 * @param algorithm {@code RS256} (default) or {@code ES256}; a change applies at the next rotation
 */
public record LocalSignerConfig(Duration keysRotationPeriod, String algorithm)
    implements SignerConfig {
  public static final String TYPE = "local";
  public static final String DEFAULT_ALGORITHM = "RS256";
  public static final List<String> ALGORITHMS = List.of("RS256", "ES256");

  @Override
  public String type() {
    return TYPE;
  }
}
