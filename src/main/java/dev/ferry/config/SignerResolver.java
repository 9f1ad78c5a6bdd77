package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.json.GoFieldLookup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the {@code signer} section (Dex HEAD: cmd/dex/config.go {@code Signer}, server/signer).
 *
 * <p>Without a section, Dex signs locally with RS256 and rotates every {@code expiry.signingKeys}
 * (6h by default). With {@code type: local}, {@code config.keysRotationPeriod} is required and
 * {@code config.algorithm} is RS256 (default) or ES256. With {@code type: vault}, {@code
 * config.keyName} is required and {@code addr}/{@code token} fall back to {@code VAULT_ADDR} and
 * {@code VAULT_TOKEN}.
 */
final class SignerResolver {
  private static final List<String> LOCAL_KEYS = List.of("keysRotationPeriod", "algorithm");
  private static final List<String> VAULT_KEYS = List.of("addr", "token", "keyName");

  private final Map<String, String> env;
  private final FeatureFlags flags;
  private final Problems problems;

  SignerResolver(Map<String, String> env, FeatureFlags flags, Problems problems) {
    this.env = env;
    this.flags = flags;
    this.problems = problems;
  }

  SignerConfig resolve(@Nullable SignerSection section, ExpiryConfig expiry) {
    LocalSignerConfig implicit =
        new LocalSignerConfig(expiry.signingKeys(), LocalSignerConfig.DEFAULT_ALGORITHM);
    if (section == null || (section.type().isEmpty() && section.config() == null)) {
      return implicit;
    }
    ObjectNode config =
        section.config() == null ? JsonNodeFactory.instance.objectNode() : section.config();
    return switch (section.type()) {
      case LocalSignerConfig.TYPE -> local(config, implicit);
      case VaultSignerConfig.TYPE -> vault(config);
      default -> {
        problems.add(
            "signer.type",
            "unknown signer type \"" + section.type() + "\", expected \"local\" or \"vault\"");
        yield implicit;
      }
    };
  }

  private LocalSignerConfig local(ObjectNode config, LocalSignerConfig implicit) {
    checkKeys(config, LOCAL_KEYS);
    Duration period = implicit.keysRotationPeriod();
    String periodText = text(config, "keysRotationPeriod");
    if (periodText.isEmpty()) {
      problems.add(
          "signer.config.keysRotationPeriod",
          "keysRotationPeriod is required for the local signer");
    } else {
      try {
        period = GoDuration.parse(periodText);
        if (period.isNegative() || period.isZero()) {
          problems.add("signer.config.keysRotationPeriod", "must be a positive duration");
        }
      } catch (IllegalArgumentException e) {
        problems.add(
            "signer.config.keysRotationPeriod",
            "invalid config value \""
                + periodText
                + "\" for local signer rotation period: "
                + e.getMessage());
      }
    }
    String algorithm = text(config, "algorithm");
    if (algorithm.isEmpty()) {
      algorithm = LocalSignerConfig.DEFAULT_ALGORITHM;
    } else if (!LocalSignerConfig.ALGORITHMS.contains(algorithm)) {
      problems.add(
          "signer.config.algorithm",
          "unsupported local signer algorithm \"" + algorithm + "\", expected RS256 or ES256");
      algorithm = LocalSignerConfig.DEFAULT_ALGORITHM;
    }
    return new LocalSignerConfig(period, algorithm);
  }

  private VaultSignerConfig vault(ObjectNode config) {
    checkKeys(config, VAULT_KEYS);
    String addr = text(config, "addr");
    if (addr.isEmpty()) {
      addr = env.getOrDefault("VAULT_ADDR", "");
    }
    String token = text(config, "token");
    if (token.isEmpty()) {
      token = env.getOrDefault("VAULT_TOKEN", "");
    }
    String keyName = text(config, "keyName");
    if (keyName.isEmpty()) {
      problems.add("signer.config.keyName", "keyName is required for the vault signer");
    }
    return new VaultSignerConfig(addr, token, keyName);
  }

  /** A string setting; a number or boolean is read as its text, as Go's YAML decoding does. */
  private String text(ObjectNode config, String name) {
    JsonNode value = GoFieldLookup.scalar(config, name).orElse(null);
    if (value == null || value.isNull()) {
      return "";
    }
    if (value.isValueNode()) {
      return value.asText();
    }
    problems.add(
        "signer.config." + name,
        "expected a string, got " + (value.isArray() ? "a list" : "a mapping"));
    return "";
  }

  private void checkKeys(ObjectNode config, List<String> known) {
    if (!flags.configDisallowUnknownFields()) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : config.properties()) {
      String name = field.getKey();
      if (known.stream().noneMatch(name::equalsIgnoreCase)) {
        problems.add("signer.config." + name, "unknown field \"" + name + "\"");
      }
    }
  }
}
