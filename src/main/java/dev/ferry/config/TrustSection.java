package dev.ferry.config;

import dev.ferry.policy.RuleConfig;
import dev.ferry.policy.RuleMode;
import dev.ferry.policy.TrustConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A connector's {@code trust} block as written (Ferry's extension, issue 8), before it becomes a
 * {@link TrustConfig}. Binding goes through the same handlers as Dex's keys, so a type error names
 * its key ({@code connectors[0].trust.rules[1].expiry}) and an unknown key is ignored, or rejected
 * under {@code DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS}, as Dex treats unknown keys.
 */
record TrustSection(
    @Nullable List<String> audiences,
    @Nullable Duration maxTokenAge,
    boolean singleUse,
    @Nullable List<Rule> rules) {

  /** Expected text for a {@code mode} that is not one, after the key. */
  static final String MODES = "enforce or audit";

  TrustConfig toTrustConfig() {
    return new TrustConfig(
        Defaults.strings(audiences),
        Optional.ofNullable(maxTokenAge),
        singleUse,
        Defaults.items(rules, Rule::empty).stream().map(Rule::toRuleConfig).toList());
  }

  /**
   * A rule's {@code mode}: exactly {@code enforce} or {@code audit}. Empty never reaches here
   * ({@link ReportingDeserializer} reads it as unset, so the default {@code enforce} applies).
   *
   * @throws IllegalArgumentException naming the value and the two accepted ones
   */
  static RuleMode mode(String text) {
    for (RuleMode mode : RuleMode.values()) {
      if (mode.configName().equals(text)) {
        return mode;
      }
    }
    // A mode is not a secret, so the message may quote it (as refreshTokenLifetime's does).
    throw new IllegalArgumentException("unknown mode \"" + text + "\", expected " + MODES);
  }

  /** One entry of {@code trust.rules} as written. */
  record Rule(
      @Nullable String name,
      @Nullable List<String> clients,
      @Nullable String condition,
      @Nullable String username,
      @Nullable String groups,
      @Nullable Map<String, String> claims,
      @Nullable Duration expiry,
      @Nullable RuleMode mode,
      @Nullable List<String> audiences,
      @Nullable List<String> resources) {

    static Rule empty() {
      return new Rule(null, null, null, null, null, null, null, null, null, null);
    }

    RuleConfig toRuleConfig() {
      return new RuleConfig(
          Defaults.str(name),
          // Absent (or null) admits any client; [] stays an empty list, which the compiler refuses.
          clients == null ? Optional.empty() : Optional.of(Defaults.strings(clients)),
          Defaults.str(condition),
          nonEmpty(username),
          nonEmpty(groups),
          Defaults.map(claims),
          Optional.ofNullable(expiry),
          Defaults.orElse(mode, RuleMode.ENFORCE),
          Defaults.strings(audiences),
          Defaults.strings(resources));
    }

    /** Go's zero value "" means "not set", as for Dex's string keys. */
    private static Optional<String> nonEmpty(@Nullable String value) {
      return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
  }
}
